import Foundation
import SheenPlanner

/// A ``StateStore`` in memory, for tests and for planning without a project directory.
public actor InMemoryStateStore: StateStore {
    private var rows: [StoreScope: [String: StepState]] = [:]
    private var locks: [StoreScope: LockInfo] = [:]
    private var breakers: [String: CircuitBreaker] = [:]
    /// Every transition in order, as the SQLite journal keeps them.
    public private(set) var journal: [(scope: StoreScope, stepID: String, status: String)] = []

    public init() {}

    public func steps(in scope: StoreScope) -> [StepState] {
        (rows[scope] ?? [:]).values.sorted { $0.stepID < $1.stepID }
    }

    public func record(_ state: StepState, in scope: StoreScope) {
        rows[scope, default: [:]][state.stepID] = state
        journal.append((scope, state.stepID, state.status.rawValue))
    }

    public func remove(_ stepID: String, in scope: StoreScope, at date: Date) {
        rows[scope]?[stepID] = nil
        journal.append((scope, stepID, "removed"))
    }

    public func acquireLock(
        _ scope: StoreScope, as holder: LockInfo, isStale: @Sendable (LockInfo) -> Bool
    ) throws -> LockInfo {
        if let current = locks[scope], current.holder != holder.holder, current.expiresAt > holder.acquiredAt,
            !isStale(current)
        {
            throw LockHeld(scope: scope, lock: current)
        }
        locks[scope] = holder
        return holder
    }

    public func renewLock(_ scope: StoreScope, holder: String, until: Date) throws {
        guard var current = locks[scope], current.holder == holder else {
            if let current = locks[scope] { throw LockHeld(scope: scope, lock: current) }
            return
        }
        current.expiresAt = until
        locks[scope] = current
    }

    public func releaseLock(_ scope: StoreScope, holder: String) {
        if locks[scope]?.holder == holder { locks[scope] = nil }
    }

    public func breaker(for connection: String) -> CircuitBreaker? { breakers[connection] }

    public func saveBreaker(_ breaker: CircuitBreaker, for connection: String) {
        breakers[connection] = breaker
    }
}
