import Foundation
import SheenPlanner
import Synchronization

/// A ``StateStore`` in memory, for tests and for planning without a project directory. Every write is "durable" the
/// moment it is submitted.
public final class InMemoryStateStore: StateStore {
    private struct Contents {
        var rows: [StoreScope: [String: StepState]] = [:]
        var locks: [StoreScope: LockInfo] = [:]
        var breakers: [String: CircuitBreaker] = [:]
        var journal: [(scope: StoreScope, stepID: String, status: String)] = []
    }

    private let contents = Mutex(Contents())

    public init() {}

    /// Every transition in order, as the SQLite journal keeps them.
    public var journal: [(scope: StoreScope, stepID: String, status: String)] { contents.withLock { $0.journal } }

    public func steps(in scope: StoreScope) async -> [StepState] {
        contents.withLock { ($0.rows[scope] ?? [:]).values.sorted { $0.stepID < $1.stepID } }
    }

    public func submit(_ state: StepState, in scope: StoreScope) -> JournalReceipt {
        contents.withLock { value in
            value.rows[scope, default: [:]][state.stepID] = state
            value.journal.append((scope, state.stepID, state.status.rawValue))
        }
        return .completed()
    }

    public func remove(_ stepID: String, in scope: StoreScope, at date: Date) async {
        contents.withLock { value in
            value.rows[scope]?[stepID] = nil
            value.journal.append((scope, stepID, "removed"))
        }
    }

    public func acquireLock(
        _ scope: StoreScope, as holder: LockInfo, isStale: @Sendable (LockInfo) -> Bool
    ) async throws -> LockInfo {
        try contents.withLock { value in
            if let current = value.locks[scope], current.holder != holder.holder, current.expiresAt > holder.acquiredAt,
                !isStale(current)
            {
                throw LockHeld(scope: scope, lock: current)
            }
            value.locks[scope] = holder
            return holder
        }
    }

    public func renewLock(_ scope: StoreScope, holder: String, until: Date) async throws {
        try contents.withLock { value in
            guard var current = value.locks[scope] else { return }
            guard current.holder == holder else { throw LockHeld(scope: scope, lock: current) }
            current.expiresAt = until
            value.locks[scope] = current
        }
    }

    public func releaseLock(_ scope: StoreScope, holder: String) async {
        contents.withLock { value in
            if value.locks[scope]?.holder == holder { value.locks[scope] = nil }
        }
    }

    public func breaker(for connection: String) async -> CircuitBreaker? {
        contents.withLock { $0.breakers[connection] }
    }

    public func saveBreaker(_ breaker: CircuitBreaker, for connection: String) async {
        contents.withLock { $0.breakers[connection] = breaker }
    }
}
