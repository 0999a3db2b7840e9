import Foundation
import SheenEngine
import Synchronization

/// Virtual time: `sleep` returns at once after moving the clock forward, and every sleep is recorded, so backoff,
/// rate limits and breaker cool-downs are tested exactly and instantly.
public final class MockClock: EngineClock {
    private let state: Mutex<(now: Date, sleeps: [Duration])>

    public init(now: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        state = Mutex((now, []))
    }

    public func now() -> Date { state.withLock { $0.now } }

    public func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        state.withLock { value in
            value.sleeps.append(duration)
            value.now = value.now.addingTimeInterval(duration.seconds)
        }
    }

    public func advance(by duration: Duration) {
        state.withLock { $0.now = $0.now.addingTimeInterval(duration.seconds) }
    }

    /// Every duration slept so far, in order.
    public var sleeps: [Duration] { state.withLock { $0.sleeps } }
}
