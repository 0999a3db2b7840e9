import Foundation

/// Token buckets per key (a provider for account-wide limits, `provider/alias` for per-connection ones). A limit
/// keyed `provider/*` applies to each of the provider's connections separately, with a bucket per alias.
///
/// An actor: each grant is one isolated read-modify-write, so concurrent steps can never both spend the last token.
/// With `shared` guards the buckets live in the shared store instead, so every worker spends from the same ones.
public actor RateLimiter {
    public struct Limit: Sendable, Hashable {
        public var requests: Int
        public var perSeconds: Double
        public var burst: Int

        public init(requests: Int, perSeconds: Double, burst: Int) {
            self.requests = requests
            self.perSeconds = perSeconds
            self.burst = burst
        }
    }

    private var limits: [String: Limit]
    private var buckets: [String: TokenBucket] = [:]
    private let shared: (any SharedGuards)?

    public init(limits: [String: Limit] = [:], shared: (any SharedGuards)? = nil) {
        self.limits = limits
        self.shared = shared
    }

    /// `nil` when a token was granted for every key, else the longest wait before trying again. Tokens already taken
    /// for earlier keys are kept: the caller waits and asks again for all keys, which at worst spends one token early.
    public func acquire(_ keys: [String], now: Date) async throws -> Duration? {
        var wait: Duration?
        for key in keys {
            guard let limit = limits[key] ?? Self.template(of: key).flatMap({ limits[$0] }) else { continue }
            let rate = Double(limit.requests) / limit.perSeconds
            if let shared {
                if let needed = try await shared.takeToken(key, capacity: limit.burst, ratePerSecond: rate) {
                    wait = max(wait ?? .zero, needed)
                }
                continue
            }
            var bucket =
                buckets[key]
                ?? TokenBucket(
                    capacity: limit.burst, ratePerSecond: rate, now: now)
            if let needed = bucket.take(now: now) { wait = max(wait ?? .zero, needed) }
            buckets[key] = bucket
        }
        return wait
    }

    /// `tap/*` for `tap/sa-entity`: the limit every connection of the provider has.
    static func template(of key: String) -> String? {
        guard let slash = key.firstIndex(of: "/") else { return nil }
        return key[..<slash] + "/*"
    }
}
