import Foundation

/// A circuit breaker for one connection, as a value-type state machine: callers ask before a call and report after
/// it; the machine answers with what to do. Persisted between runs, so a provider that is down stays "open" across
/// a restart instead of being hammered again.
public struct CircuitBreaker: Sendable, Hashable, Codable {
    public enum State: Sendable, Hashable, Codable {
        /// Calls flow; `failures` consecutive failures so far.
        case closed(failures: Int)
        /// Calls are refused until `until`.
        case open(until: Date)
        /// One probe call is allowed through; its outcome closes or re-opens the breaker.
        case halfOpen(probing: Bool)
    }

    public enum Decision: Sendable, Hashable {
        case allow
        /// Refuse the call; the breaker opens again for probes at this instant.
        case refuse(retryAt: Date)
    }

    public var state: State
    public let failureThreshold: Int
    public let coolDown: Duration

    public init(failureThreshold: Int = 5, coolDown: Duration = .seconds(30), state: State = .closed(failures: 0)) {
        self.failureThreshold = failureThreshold
        self.coolDown = coolDown
        self.state = state
    }

    /// Whether a call may go out now. An open breaker whose cool-down has passed turns half-open and lets exactly one
    /// probe through; calls during the probe are refused.
    public mutating func beforeCall(now: Date) -> Decision {
        switch state {
        case .closed:
            return .allow
        case .open(let until):
            guard now >= until else { return .refuse(retryAt: until) }
            state = .halfOpen(probing: true)
            return .allow
        case .halfOpen(let probing):
            guard !probing else { return .refuse(retryAt: now.addingTimeInterval(coolDown.seconds)) }
            state = .halfOpen(probing: true)
            return .allow
        }
    }

    public mutating func recordSuccess() {
        state = .closed(failures: 0)
    }

    /// A failure that says something about the connection (network, 5xx, 429, timeout), not a validation error.
    public mutating func recordFailure(now: Date) {
        switch state {
        case .closed(let failures):
            state =
                failures + 1 >= failureThreshold
                ? .open(until: now.addingTimeInterval(coolDown.seconds)) : .closed(failures: failures + 1)
        case .open, .halfOpen:
            state = .open(until: now.addingTimeInterval(coolDown.seconds))
        }
    }
}
