import Foundation

/// Rate limits and circuit breakers kept in a store that many workers share, so a provider's limit and its breaker
/// hold across every process calling it, not per process. The store makes each decision in one atomic statement on its
/// own clock: racing workers cannot both take the last token, and their clocks' skew does not matter.
///
/// `PostgresStore` provides it; a run on it uses it automatically (``RateLimiter/init(limits:shared:)``,
/// the executor's breakers). A file store does not: one machine's limiter and breakers live in the process.
public protocol SharedGuards: Sendable {
    /// Takes one token from `key`'s bucket (`capacity` tokens, refilled at `ratePerSecond`), or answers how long until
    /// one is there, taking nothing.
    func takeToken(_ key: String, capacity: Int, ratePerSecond: Double) async throws -> Duration?

    /// ``CircuitBreaker/beforeCall(now:)`` on the shared breaker of `connection`.
    func breakerBeforeCall(_ connection: String, coolDown: Duration) async throws -> CircuitBreaker.Decision

    /// ``CircuitBreaker/recordSuccess()`` or ``CircuitBreaker/recordFailure(now:)`` on the shared breaker.
    func breakerRecord(_ connection: String, success: Bool, failureThreshold: Int, coolDown: Duration) async throws
}
