import Foundation
import Synchronization

/// Faults a simulator injects, to prove the engine rides them out. Counted faults hit the next requests in order;
/// `errorRate` draws from a seeded generator, so a run is repeatable.
public struct FaultPlan: Codable, Sendable, Hashable {
    /// The next this-many requests are answered 429.
    public var rateLimited: Int
    /// The next this-many requests are answered 500.
    public var serverErrors: Int
    /// The next this-many requests lose their connection before the simulator looks at them (nothing happens).
    public var connectionResets: Int
    /// The next this-many requests get no answer for `stallMilliseconds`, then lose their connection (nothing
    /// happens): longer than the caller's deadline, it is a timeout.
    public var timeouts: Int
    public var stallMilliseconds: Int
    /// The next this-many changes are committed, then their connection is dropped without an answer: the caller
    /// cannot know the change happened, and must find it (`observe`) rather than make it again.
    public var resetsAfterCommit: Int
    /// After each committed change, wait this long before answering (so a test can kill the client in between).
    public var holdAfterCommitMilliseconds: Int
    /// Only for requests whose path starts with this (all when `nil`); applies to `resetsAfterCommit` too.
    public var holdPathPrefix: String?
    /// Latency added to every answer.
    public var latencyMilliseconds: Int
    /// Chance of a 500 on any request, drawn from `seed`.
    public var errorRate: Double
    public var seed: UInt64
    /// The simulator's rate limit (a token bucket holding one second's worth); `nil` keeps the provider's
    /// documented limit where it publishes one, else none.
    public var requestsPerSecond: Double?
    /// Deliver each webhook twice.
    public var duplicateWebhooks: Bool
    /// Deliver each webhook this late.
    public var webhookDelayMilliseconds: Int
    /// How long a review (a WhatsApp template's by Meta) takes; `nil` keeps the simulator's own.
    public var reviewDelayMilliseconds: Int?
    /// Reviews that end in a rejection: `name/language` (or `name` for every language) to the reason given.
    public var rejections: [String: String]

    public init(
        rateLimited: Int = 0, serverErrors: Int = 0, connectionResets: Int = 0, timeouts: Int = 0,
        stallMilliseconds: Int = 35_000, resetsAfterCommit: Int = 0, holdAfterCommitMilliseconds: Int = 0,
        holdPathPrefix: String? = nil, latencyMilliseconds: Int = 0, errorRate: Double = 0, seed: UInt64 = 1,
        requestsPerSecond: Double? = nil, duplicateWebhooks: Bool = false, webhookDelayMilliseconds: Int = 0,
        reviewDelayMilliseconds: Int? = nil, rejections: [String: String] = [:]
    ) {
        self.reviewDelayMilliseconds = reviewDelayMilliseconds
        self.rejections = rejections
        self.rateLimited = rateLimited
        self.serverErrors = serverErrors
        self.connectionResets = connectionResets
        self.timeouts = timeouts
        self.stallMilliseconds = stallMilliseconds
        self.resetsAfterCommit = resetsAfterCommit
        self.holdAfterCommitMilliseconds = holdAfterCommitMilliseconds
        self.holdPathPrefix = holdPathPrefix
        self.latencyMilliseconds = latencyMilliseconds
        self.errorRate = errorRate
        self.seed = seed
        self.requestsPerSecond = requestsPerSecond
        self.duplicateWebhooks = duplicateWebhooks
        self.webhookDelayMilliseconds = webhookDelayMilliseconds
    }

    // Every knob may be left out of a `--faults` file.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = FaultPlan()
        func value<T: Decodable>(_ key: CodingKeys, _ fallback: T) throws -> T {
            try container.decodeIfPresent(T.self, forKey: key) ?? fallback
        }
        self.init(
            rateLimited: try value(.rateLimited, defaults.rateLimited),
            serverErrors: try value(.serverErrors, defaults.serverErrors),
            connectionResets: try value(.connectionResets, defaults.connectionResets),
            timeouts: try value(.timeouts, defaults.timeouts),
            stallMilliseconds: try value(.stallMilliseconds, defaults.stallMilliseconds),
            resetsAfterCommit: try value(.resetsAfterCommit, defaults.resetsAfterCommit),
            holdAfterCommitMilliseconds: try value(.holdAfterCommitMilliseconds, defaults.holdAfterCommitMilliseconds),
            holdPathPrefix: try container.decodeIfPresent(String.self, forKey: .holdPathPrefix),
            latencyMilliseconds: try value(.latencyMilliseconds, defaults.latencyMilliseconds),
            errorRate: try value(.errorRate, defaults.errorRate), seed: try value(.seed, defaults.seed),
            requestsPerSecond: try container.decodeIfPresent(Double.self, forKey: .requestsPerSecond),
            duplicateWebhooks: try value(.duplicateWebhooks, defaults.duplicateWebhooks),
            webhookDelayMilliseconds: try value(.webhookDelayMilliseconds, defaults.webhookDelayMilliseconds),
            reviewDelayMilliseconds: try container.decodeIfPresent(Int.self, forKey: .reviewDelayMilliseconds),
            rejections: try value(.rejections, defaults.rejections))
    }
}

/// Thrown after a committed change to drop the connection instead of answering.
struct ConnectionDrop: Error {}

/// The fault plan in force, changeable while the simulator runs (tests start a storm mid-apply).
public final class Faults: Sendable {
    public enum Injected: Sendable, Hashable {
        /// Answer 429; `retryAfter` is when the bucket next has a token, for providers that send `Retry-After`.
        case rateLimited(retryAfter: Int?)
        case serverError
        /// Drop the connection without an answer.
        case dropped
    }

    private struct State {
        var plan: FaultPlan
        var random: SplitMix64
        var tokens: Double?
        var refilled: ContinuousClock.Instant
    }

    private let state: Mutex<State>
    /// The rate limit's clock; tests freeze it so a burst meets the limit whatever the machine's load.
    private let clock: @Sendable () -> ContinuousClock.Instant

    public init(
        _ plan: FaultPlan = FaultPlan(), clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) {
        state = Mutex(State(plan: plan, random: SplitMix64(seed: plan.seed), refilled: clock()))
        self.clock = clock
    }

    public var plan: FaultPlan { state.withLock { $0.plan } }

    public func set(_ plan: FaultPlan) {
        let now = clock()
        state.withLock { $0 = State(plan: plan, random: SplitMix64(seed: plan.seed), refilled: now) }
    }

    /// The fault this request meets, if any, under the provider's `documentedRate` (requests per second, when it
    /// publishes one); counted faults are used up, and a request the bucket lets through takes a token.
    func next(documentedRate: Double?) -> (Injected?, stall: Duration?) {
        let now = clock()
        return state.withLock { value in
            if value.plan.connectionResets > 0 {
                value.plan.connectionResets -= 1
                return (.dropped, nil)
            }
            if value.plan.timeouts > 0 {
                value.plan.timeouts -= 1
                return (.dropped, .milliseconds(value.plan.stallMilliseconds))
            }
            if value.plan.rateLimited > 0 {
                value.plan.rateLimited -= 1
                return (.rateLimited(retryAfter: nil), nil)
            }
            if value.plan.serverErrors > 0 {
                value.plan.serverErrors -= 1
                return (.serverError, nil)
            }
            if value.plan.errorRate > 0, value.random.nextUnit() < value.plan.errorRate { return (.serverError, nil) }
            if let rate = value.plan.requestsPerSecond ?? documentedRate, rate > 0 {
                // A bucket of one second's requests, refilled continuously.
                let capacity = max(1, rate)
                let elapsed = now - value.refilled
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                let tokens = min(capacity, (value.tokens ?? capacity) + seconds * rate)
                value.refilled = now
                guard tokens >= 1 else {
                    value.tokens = tokens
                    return (.rateLimited(retryAfter: Int(((1 - tokens) / rate).rounded(.up))), nil)
                }
                value.tokens = tokens - 1
            }
            return (nil, nil)
        }
    }

    /// Runs after a change is committed, before it is answered: holds the answer, or drops the connection
    /// (`ConnectionDrop`), as the plan says for `path`.
    func afterCommit(path: String) async throws {
        let (hold, drop) = state.withLock { value -> (Duration?, Bool) in
            guard value.plan.holdPathPrefix.map(path.hasPrefix) ?? true else { return (nil, false) }
            if value.plan.resetsAfterCommit > 0 {
                value.plan.resetsAfterCommit -= 1
                return (nil, true)
            }
            let hold = value.plan.holdAfterCommitMilliseconds
            return (hold > 0 ? .milliseconds(hold) : nil, false)
        }
        if drop { throw ConnectionDrop() }
        if let hold { try? await Task.sleep(for: hold) }
    }
}

/// A small, fast, seedable generator (Steele, Lea and Flood's SplitMix64): the same seed gives the same faults.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

/// How many requests a simulator has answered, so tests can prove a run made no provider call at all.
public final class RequestCounter: Sendable {
    private let count = Mutex(0)

    public init() {}

    public var value: Int { count.withLock { $0 } }

    func increment() { count.withLock { $0 += 1 } }
}
