import Foundation

/// The circuit breakers of every connection a run touches, loaded from the store on first use and saved on every
/// state change, so an open breaker survives a restart. On a store with ``SharedGuards`` every decision is the store's
/// instead, so all workers calling a connection share its breaker.
actor BreakerBoard {
    private let store: any StateStore
    private let shared: (any SharedGuards)?
    private var breakers: [String: CircuitBreaker] = [:]
    /// The thresholds a shared breaker is judged by: the defaults every breaker here has.
    private let policy = CircuitBreaker()

    init(store: any StateStore) {
        self.store = store
        self.shared = store as? any SharedGuards
    }

    private func load(_ connection: String) async throws -> CircuitBreaker {
        if let breaker = breakers[connection] { return breaker }
        let breaker = try await store.breaker(for: connection) ?? CircuitBreaker()
        breakers[connection] = breaker
        return breaker
    }

    func beforeCall(_ connection: String, now: Date) async throws -> CircuitBreaker.Decision {
        if let shared { return try await shared.breakerBeforeCall(connection, coolDown: policy.coolDown) }
        var breaker = try await load(connection)
        let decision = breaker.beforeCall(now: now)
        try await save(breaker, connection)
        return decision
    }

    func record(_ connection: String, success: Bool, now: Date) async throws {
        if let shared {
            return try await shared.breakerRecord(
                connection, success: success, failureThreshold: policy.failureThreshold, coolDown: policy.coolDown)
        }
        var breaker = try await load(connection)
        if success { breaker.recordSuccess() } else { breaker.recordFailure(now: now) }
        try await save(breaker, connection)
    }

    private func save(_ breaker: CircuitBreaker, _ connection: String) async throws {
        guard breakers[connection] != breaker else { return }
        breakers[connection] = breaker
        try await store.saveBreaker(breaker, for: connection)
    }
}
