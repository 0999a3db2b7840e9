import Foundation
import Synchronization

/// Faults a simulator injects, to prove the engine rides them out. Counted faults hit the next requests in order;
/// `errorRate` draws from a seeded generator, so a run is repeatable.
public struct FaultPlan: Codable, Sendable, Hashable {
    /// The next this-many requests are answered 429.
    public var rateLimited: Int
    /// The next this-many requests are answered 500.
    public var serverErrors: Int
    /// After each committed change, wait this long before answering (so a test can kill the client in between).
    public var holdAfterCommitMilliseconds: Int
    /// Only for requests whose path starts with this (all when `nil`).
    public var holdPathPrefix: String?
    /// Latency added to every answer.
    public var latencyMilliseconds: Int
    /// Chance of a 500 on any request, drawn from `seed`.
    public var errorRate: Double
    public var seed: UInt64
    /// Deliver each webhook twice.
    public var duplicateWebhooks: Bool

    public init(
        rateLimited: Int = 0, serverErrors: Int = 0, holdAfterCommitMilliseconds: Int = 0,
        holdPathPrefix: String? = nil,
        latencyMilliseconds: Int = 0, errorRate: Double = 0, seed: UInt64 = 1, duplicateWebhooks: Bool = false
    ) {
        self.rateLimited = rateLimited
        self.serverErrors = serverErrors
        self.holdAfterCommitMilliseconds = holdAfterCommitMilliseconds
        self.holdPathPrefix = holdPathPrefix
        self.latencyMilliseconds = latencyMilliseconds
        self.errorRate = errorRate
        self.seed = seed
        self.duplicateWebhooks = duplicateWebhooks
    }
}

/// The fault plan in force, changeable while the simulator runs (tests start a storm mid-apply).
public final class Faults: Sendable {
    public enum Injected: Sendable, Hashable { case rateLimited, serverError }

    private let state: Mutex<(plan: FaultPlan, random: SplitMix64)>

    public init(_ plan: FaultPlan = FaultPlan()) { state = Mutex((plan, SplitMix64(seed: plan.seed))) }

    public var plan: FaultPlan { state.withLock { $0.plan } }

    public func set(_ plan: FaultPlan) { state.withLock { $0 = (plan, SplitMix64(seed: plan.seed)) } }

    /// The fault this request meets, if any; counted faults are used up.
    func next() -> Injected? {
        state.withLock { value in
            if value.plan.rateLimited > 0 {
                value.plan.rateLimited -= 1
                return .rateLimited
            }
            if value.plan.serverErrors > 0 {
                value.plan.serverErrors -= 1
                return .serverError
            }
            if value.plan.errorRate > 0, value.random.nextUnit() < value.plan.errorRate { return .serverError }
            return nil
        }
    }

    func hold(for path: String) -> Duration? {
        let plan = plan
        guard plan.holdAfterCommitMilliseconds > 0, plan.holdPathPrefix.map(path.hasPrefix) ?? true else { return nil }
        return .milliseconds(plan.holdAfterCommitMilliseconds)
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
