import Foundation

/// A token bucket: `capacity` tokens, refilled continuously at `rate` per second. A value type with one mutating
/// operation, so the owner (``RateLimiter``, an actor) updates it atomically and tests can drive it with any clock.
public struct TokenBucket: Sendable, Hashable {
    public let capacity: Double
    public let rate: Double
    public private(set) var tokens: Double
    public private(set) var updatedAt: Date

    public init(capacity: Int, ratePerSecond: Double, now: Date) {
        self.capacity = Double(max(1, capacity))
        self.rate = ratePerSecond
        self.tokens = Double(max(1, capacity))
        self.updatedAt = now
    }

    /// Takes one token if there is one and returns `nil`; otherwise returns how long until one will be there
    /// (and takes nothing, so the caller comes back after waiting).
    public mutating func take(now: Date) -> Duration? {
        refill(now: now)
        if tokens >= 1 {
            tokens -= 1
            return nil
        }
        let missing = 1 - tokens
        return .milliseconds(Int64((missing / rate * 1000).rounded(.up)))
    }

    private mutating func refill(now: Date) {
        let elapsed = now.timeIntervalSince(updatedAt)
        if elapsed > 0 {
            tokens = min(capacity, tokens + elapsed * rate)
            updatedAt = now
        }
    }
}
