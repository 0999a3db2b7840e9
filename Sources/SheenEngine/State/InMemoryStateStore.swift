import Foundation
import SheenModel
import SheenPlanner
import Synchronization

/// A ``StateStore`` in memory, for tests and for planning without a project directory. Every write is "durable" the
/// moment it is submitted.
public final class InMemoryStateStore: StateStore {
    private struct Contents {
        var rows: [StoreScope: [String: StepState]] = [:]
        var locks: [StoreScope: LockInfo] = [:]
        var fences: [StoreScope: Int64] = [:]
        var breakers: [String: CircuitBreaker] = [:]
        var journal: [(scope: StoreScope, stepID: String, status: String)] = []

        func check(_ fence: LockFence?, in scope: StoreScope) throws {
            guard let fence else { return }
            let current = locks[scope]
            guard fence.claim == nil, current?.holder == fence.holder, current?.token == fence.token else {
                throw LockLost(scope: scope, holder: current?.holder)
            }
        }
    }

    private let contents = Mutex(Contents())

    public init() {}

    /// Every transition in order, as the SQLite journal keeps them.
    public var journal: [(scope: StoreScope, stepID: String, status: String)] { contents.withLock { $0.journal } }

    public func steps(in scope: StoreScope) async -> [StepState] {
        contents.withLock { ($0.rows[scope] ?? [:]).values.sorted { $0.stepID < $1.stepID } }
    }

    public func scopes() async -> [StoreScope] {
        contents.withLock { value in
            value.rows.filter { !$0.value.isEmpty }.keys.sorted {
                ($0.project, $0.environment.rawValue) < ($1.project, $1.environment.rawValue)
            }
        }
    }

    public func submit(_ state: StepState, in scope: StoreScope, fence: LockFence?) -> JournalReceipt {
        do {
            try contents.withLock { value in
                try value.check(fence, in: scope)
                value.rows[scope, default: [:]][state.stepID] = state
                value.journal.append((scope, state.stepID, state.status.rawValue))
            }
            return .completed()
        } catch {
            return .completed(error)
        }
    }

    public func remove(_ stepID: String, in scope: StoreScope, at date: Date, fence: LockFence?) async throws {
        try contents.withLock { value in
            try value.check(fence, in: scope)
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
            var granted = holder
            granted.token = (value.fences[scope] ?? 0) + 1
            value.fences[scope] = granted.token
            value.locks[scope] = granted
            return granted
        }
    }

    public func renewLock(_ scope: StoreScope, fence: LockFence, until: Date) async throws {
        try contents.withLock { value in
            try value.check(fence, in: scope)
            value.locks[scope]?.expiresAt = until
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
