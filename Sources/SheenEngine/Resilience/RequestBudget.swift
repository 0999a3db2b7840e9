import Foundation
import Synchronization

/// Rate limits for every request a step makes, not only its first. The executor takes a token before each attempt; an
/// adapter that makes more calls within it (create, then poll; look up, then create) asks its budget before each
/// further request, which takes a token from the same buckets, waiting as the limiter says. On a shared store those
/// buckets are every worker's, so a provider's per-second limit holds across the fleet.
///
/// Set for the duration of a call as a task-local, so the provider layer finds it without every adapter passing it on.
public final class RequestBudget: Sendable {
    @TaskLocal public static var current: RequestBudget?

    private let limiter: RateLimiter
    private let keys: [String]
    private let clock: any EngineClock
    private let waited: @Sendable (Duration) -> Void
    /// Requests made so far in this attempt; the first was paid for when the attempt started.
    private let requests = Mutex(0)

    public init(
        limiter: RateLimiter, keys: [String], clock: any EngineClock,
        waited: @escaping @Sendable (Duration) -> Void = { _ in }
    ) {
        self.limiter = limiter
        self.keys = keys
        self.clock = clock
        self.waited = waited
    }

    /// Returns once the next request may go out.
    public func beforeRequest() async throws {
        let paid = requests.withLock { count -> Bool in
            count += 1
            return count == 1
        }
        guard !paid, !keys.isEmpty else { return }
        while let wait = try await limiter.acquire(keys, now: clock.now()) {
            waited(wait)
            try await clock.sleep(for: wait)
        }
    }
}
