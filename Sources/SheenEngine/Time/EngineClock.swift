import Foundation

/// The engine's seam for time: wall-clock instants (for leases and breaker state shared across processes) and
/// sleeping (backoff, rate limits). Tests inject a virtual clock so retry and expiry rules run without waiting.
public protocol EngineClock: Sendable {
    func now() -> Date
    func sleep(for duration: Duration) async throws
}

/// Real time.
public struct SystemClock: EngineClock {
    public init() {}

    public func now() -> Date { Date() }

    public func sleep(for duration: Duration) async throws {
        guard duration > .zero else { return }
        try await Task.sleep(for: duration)
    }
}

extension Duration {
    /// Seconds as a `Double`, for arithmetic with `Date`.
    public var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
