import Foundation
import PostgresNIO
import SheenEngine
import SheenModel
import SheenPlanner
import Synchronization

extension PostgresStore: StateStore {
    public func steps(in scope: StoreScope) async throws -> [StepState] {
        try await rows(
            """
            SELECT * FROM steps WHERE project = \(scope.project) AND environment = \(scope.environment.rawValue)
            ORDER BY step_id
            """
        ).map(Self.state)
    }

    public func step(_ stepID: String, in scope: StoreScope) async throws -> StepState? {
        try await rows(
            """
            SELECT * FROM steps WHERE project = \(scope.project) AND environment = \(scope.environment.rawValue)
                AND step_id = \(stepID)
            """
        ).first.map(Self.state)
    }

    public func scopes() async throws -> [StoreScope] {
        try await rows("SELECT DISTINCT project, environment FROM steps ORDER BY project, environment").compactMap {
            row in
            let project = try row.value("project", as: String.self)
            return DeploymentEnvironment(rawValue: try row.value("environment", as: String.self)).map {
                StoreScope(project: project, environment: $0)
            }
        }
    }

    public func submit(_ state: StepState, in scope: StoreScope, fence: LockFence?) -> JournalReceipt {
        journal.submit(
            PendingTransition(state: state, scope: scope, fence: fence, write: faults?.beforeWrite(), receipt: .init())
        )
    }

    public func remove(_ stepID: String, in scope: StoreScope, at date: Date, fence: LockFence?) async throws {
        let write = faults?.beforeWrite()
        try await transaction { connection in
            if let fence, let lost = try await Self.fenceViolation(fence, scope, stepID, connection, logger) {
                throw lost
            }
            try await Self.ensureScope(scope, at: date, connection, logger)
            let key = try await connection.rows(
                """
                DELETE FROM steps WHERE project = \(scope.project) AND environment = \(scope.environment.rawValue)
                    AND step_id = \(stepID)
                RETURNING idempotency_key
                """, logger: logger
            ).first?.value("idempotency_key", as: String.self)
            try await connection.run(
                """
                INSERT INTO transitions (project, environment, step_id, status, attempt, idempotency_key, error_class, at)
                VALUES (\(scope.project), \(scope.environment.rawValue), \(stepID), 'removed', 0, \(key ?? ""), NULL,
                    \(date.timeIntervalSince1970))
                """, logger: logger)
        }
        if let write { faults?.afterWrite(write) }
    }

    /// Every transition of a step, oldest first: the audit trail behind `sheen state show`.
    public func transitions(
        of stepID: String, in scope: StoreScope
    ) async throws -> [(status: String, attempt: Int, at: Date, errorClass: String?)] {
        try await rows(
            """
            SELECT status, attempt, at, error_class FROM transitions
            WHERE project = \(scope.project) AND environment = \(scope.environment.rawValue) AND step_id = \(stepID)
            ORDER BY id
            """
        ).map { row in
            (
                try row.value("status"), Int(try row.value("attempt", as: Int64.self)), try row.date("at"),
                try row.value("error_class")
            )
        }
    }

    /// Who holds the apply lock of `scope`, if anyone.
    public func lock(of scope: StoreScope) async throws -> LockInfo? {
        try await rows(
            "SELECT * FROM locks WHERE project = \(scope.project) AND environment = \(scope.environment.rawValue)"
        ).first.map(Self.lock)
    }

    /// How many transitions the journal of `scope` holds.
    public func journalLength(of scope: StoreScope) async throws -> Int {
        let rows = try await rows(
            """
            SELECT count(*) AS n FROM transitions
            WHERE project = \(scope.project) AND environment = \(scope.environment.rawValue)
            """)
        return Int(try rows.first?.value("n", as: Int64.self) ?? 0)
    }

    // MARK: Lock

    public func acquireLock(
        _ scope: StoreScope, as holder: LockInfo, isStale: @Sendable (LockInfo) -> Bool
    ) async throws -> LockInfo {
        try await transaction { connection in
            try await Self.grantLock(scope, to: holder, now: holder.acquiredAt, isStale: isStale, connection, logger)
        }
    }

    /// Grants `scope`'s apply lock to `holder` inside the caller's transaction, or throws ``LockHeld`` (rolling the
    /// transaction back) when a live holder has it. Shared by `acquireLock` and by a queued run, which holds its scope
    /// the same way.
    static func grantLock(
        _ scope: StoreScope, to holder: LockInfo, now: Date, isStale: @Sendable (LockInfo) -> Bool,
        _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> LockInfo {
        try await ensureScope(scope, at: now, connection, logger)
        // Every acquirer of the scope queues on its row, so a first grant cannot race another (with no lock row yet
        // there is nothing else to lock). NO KEY UPDATE leaves journal writes, which only key-share the row through
        // their foreign key, free to go on.
        let fence =
            try await connection.rows(
                """
                SELECT fence FROM scopes WHERE project = \(scope.project)
                    AND environment = \(scope.environment.rawValue)
                FOR NO KEY UPDATE
                """, logger: logger
            ).first?.value("fence", as: Int64.self) ?? 0
        if let row = try await connection.rows(
            """
            SELECT * FROM locks WHERE project = \(scope.project) AND environment = \(scope.environment.rawValue)
            FOR UPDATE
            """, logger: logger
        ).first {
            let current = try lock(row)
            if current.holder != holder.holder, current.expiresAt > now, !isStale(current) {
                throw LockHeld(scope: scope, lock: current)
            }
        }
        var granted = holder
        granted.token = fence + 1
        try await connection.run(
            """
            UPDATE scopes SET fence = \(granted.token)
            WHERE project = \(scope.project) AND environment = \(scope.environment.rawValue)
            """, logger: logger)
        try await connection.run(
            """
            INSERT INTO locks (project, environment, holder, pid, host, acquired_at, expires_at, token)
            VALUES (\(scope.project), \(scope.environment.rawValue), \(holder.holder), \(Int64(holder.processID)),
                \(holder.host), \(holder.acquiredAt.timeIntervalSince1970), \(holder.expiresAt.timeIntervalSince1970),
                \(granted.token))
            ON CONFLICT (project, environment) DO UPDATE SET holder = excluded.holder, pid = excluded.pid,
                host = excluded.host, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at,
                token = excluded.token
            """, logger: logger)
        return granted
    }

    public func renewLock(_ scope: StoreScope, fence: LockFence, until: Date) async throws {
        let renewed = try await execute(
            """
            UPDATE locks SET expires_at = \(until.timeIntervalSince1970)
            WHERE project = \(scope.project) AND environment = \(scope.environment.rawValue)
                AND holder = \(fence.holder) AND token = \(fence.token)
            RETURNING 1
            """)
        if renewed == 0 {
            let holder = try await lock(of: scope)?.holder
            throw LockLost(scope: scope, holder: holder)
        }
    }

    public func releaseLock(_ scope: StoreScope, holder: String) async throws {
        try await execute(
            """
            DELETE FROM locks WHERE project = \(scope.project) AND environment = \(scope.environment.rawValue)
                AND holder = \(holder)
            """)
    }

    // MARK: Breakers

    public func breaker(for connection: String) async throws -> CircuitBreaker? {
        guard
            let text = try await rows("SELECT state FROM breakers WHERE connection = \(connection)").first?.value(
                "state", as: String.self)
        else { return nil }
        return try JSONDecoder().decode(CircuitBreaker.self, from: Data(text.utf8))
    }

    public func saveBreaker(_ breaker: CircuitBreaker, for connection: String) async throws {
        let text = String(decoding: try JSONEncoder().encode(breaker), as: UTF8.self)
        try await execute(
            """
            INSERT INTO breakers (connection, state) VALUES (\(connection), \(text))
            ON CONFLICT (connection) DO UPDATE SET state = excluded.state
            """)
    }

    // MARK: Rows

    static func ensureScope(
        _ scope: StoreScope, at date: Date, _ connection: PostgresConnection, _ logger: Logger
    ) async throws {
        try await connection.run(
            """
            INSERT INTO scopes (project, environment, created_at)
            VALUES (\(scope.project), \(scope.environment.rawValue), \(date.timeIntervalSince1970))
            ON CONFLICT DO NOTHING
            """, logger: logger)
    }

    /// Why `fence` no longer holds `scope`'s lock, or nil when it does. The lock row stays share-locked until the
    /// caller's transaction ends, so a takeover waits for the write this guards instead of slipping in before its
    /// commit.
    static func fenceViolation(
        _ fence: LockFence, _ scope: StoreScope, _ stepID: String, _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> LockLost? {
        let row = try await connection.rows(
            """
            SELECT holder, token FROM locks WHERE project = \(scope.project)
                AND environment = \(scope.environment.rawValue)
            FOR SHARE
            """, logger: logger
        ).first
        guard let row, try row.value("holder", as: String.self) == fence.holder,
            try row.value("token", as: Int64.self) == fence.token
        else { return LockLost(scope: scope, holder: try row?.value("holder", as: String.self)) }
        guard let claim = fence.claim else { return nil }
        // A worker's write also needs its claim on the step: a reclaim (a new token) waits for this transaction.
        let held = try await connection.run(
            """
            SELECT 1 FROM run_steps WHERE run_id = \(claim.run) AND step_id = \(stepID) AND token = \(claim.token)
                AND status = 'claimed'
            FOR SHARE
            """, logger: logger)
        return held > 0 ? nil : LockLost(scope: scope, holder: "another worker, which took over '\(stepID)'")
    }

    static func state(_ row: PostgresRandomAccessRow) throws -> StepState {
        let outputs = try JSONDecoder().decode(
            [String: String].self, from: Data(try row.value("outputs", as: String.self).utf8))
        return StepState(
            stepID: try row.value("step_id"), kind: try row.value("kind"), provider: try row.value("provider"),
            status: StepRecord.Status(rawValue: try row.value("status", as: String.self)) ?? .failed,
            inputHash: try row.value("input_hash"), idempotencyKey: try row.value("idempotency_key"),
            requestFingerprint: try row.value("request_fingerprint"),
            attempts: Int(try row.value("attempts", as: Int64.self)), outputs: outputs,
            externalID: try row.value("external_id"), errorClass: try row.value("error_class"),
            errorMessage: try row.value("error_message"), level: Int(try row.value("level", as: Int64.self)),
            updatedAt: try row.date("updated_at"), created: try row.value("created", as: Bool.self))
    }

    static func lock(_ row: PostgresRandomAccessRow) throws -> LockInfo {
        LockInfo(
            holder: try row.value("holder"), processID: Int32(clamping: try row.value("pid", as: Int64.self)),
            host: try row.value("host"), acquiredAt: try row.date("acquired_at"), expiresAt: try row.date("expires_at"),
            token: try row.value("token"))
    }
}

/// One transition waiting for the next commit (of either store's journal writer).
struct PendingTransition: Sendable {
    var state: StepState
    var scope: StoreScope
    var fence: LockFence?
    var write: Int?
    var receipt: JournalReceipt
}

/// Group commit for the shared journal: transitions that arrive while a commit is in progress go together into the
/// next one, in submission order, so concurrent steps share a round trip and a WAL flush. A transition whose lease was
/// lost fails alone; the rest of its batch commits.
final class PostgresJournal: Sendable {
    private let queue = Mutex<(pending: [PendingTransition], writing: Bool)>(([], false))
    private let write: @Sendable ([PendingTransition]) async throws -> [Int: LockLost]
    private let faults: JournalFaults?

    init(faults: JournalFaults?, write: @escaping @Sendable ([PendingTransition]) async throws -> [Int: LockLost]) {
        self.faults = faults
        self.write = write
    }

    func submit(_ transition: PendingTransition) -> JournalReceipt {
        let startWriter = queue.withLock { value -> Bool in
            value.pending.append(transition)
            defer { value.writing = true }
            return !value.writing
        }
        if startWriter { Task { await self.drain() } }
        return transition.receipt
    }

    private func drain() async {
        while true {
            let batch = queue.withLock { value -> [PendingTransition] in
                let batch = value.pending
                value.pending = []
                if batch.isEmpty { value.writing = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            do {
                let refused = try await write(batch)
                for (position, transition) in batch.enumerated() {
                    if let lost = refused[position] {
                        transition.receipt.complete(lost)
                        continue
                    }
                    if let write = transition.write { faults?.afterWrite(write) }
                    transition.receipt.complete()
                }
            } catch {
                for transition in batch { transition.receipt.complete(error) }
            }
        }
    }
}

extension PostgresStore {
    /// Writes one batch of transitions in one transaction; returns the positions refused for a lost lease.
    static func writeBatch(
        _ batch: [PendingTransition], client: PostgresClient, logger: Logger
    ) async throws -> [Int: LockLost] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let outputs = try batch.map { String(decoding: try encoder.encode($0.state.outputs), as: UTF8.self) }
        return try await transaction(client, logger: logger) { connection in
            // Fences first. The only row both this and an acquirer lock for real is the lock row: the key-share the
            // journal's foreign keys take on the scope row does not conflict with the acquirer's NO KEY UPDATE, so
            // the two can queue on each other but never deadlock.
            var verdicts: [LockFenceKey: LockLost?] = [:]
            for transition in batch {
                guard let fence = transition.fence else { continue }
                let key = LockFenceKey(transition, fence)
                if verdicts[key] == nil {
                    verdicts[key] = try await fenceViolation(
                        fence, transition.scope, transition.state.stepID, connection, logger)
                }
            }
            for scope in Set(batch.map(\.scope)) {
                try await ensureScope(scope, at: batch[0].state.updatedAt, connection, logger)
            }
            var refused: [Int: LockLost] = [:]
            for (position, transition) in batch.enumerated() {
                if let fence = transition.fence, let lost = verdicts[LockFenceKey(transition, fence)] ?? nil {
                    refused[position] = lost
                    continue
                }
                try await write(transition.state, outputs: outputs[position], in: transition.scope, connection, logger)
            }
            return refused
        }
    }

    private static func write(
        _ state: StepState, outputs: String, in scope: StoreScope, _ connection: PostgresConnection, _ logger: Logger
    ) async throws {
        let updated = state.updatedAt.timeIntervalSince1970
        try await connection.run(
            """
            INSERT INTO steps (project, environment, step_id, kind, provider, status, input_hash, idempotency_key,
                request_fingerprint, attempts, outputs, external_id, error_class, error_message, level, updated_at,
                created)
            VALUES (\(scope.project), \(scope.environment.rawValue), \(state.stepID), \(state.kind), \(state.provider),
                \(state.status.rawValue), \(state.inputHash), \(state.idempotencyKey), \(state.requestFingerprint),
                \(Int64(state.attempts)), \(outputs), \(state.externalID), \(state.errorClass), \(state.errorMessage),
                \(Int64(state.level)), \(updated), \(state.created))
            ON CONFLICT (project, environment, step_id) DO UPDATE SET
                kind = excluded.kind, provider = excluded.provider, status = excluded.status,
                input_hash = excluded.input_hash, idempotency_key = excluded.idempotency_key,
                request_fingerprint = excluded.request_fingerprint, attempts = excluded.attempts,
                outputs = excluded.outputs, external_id = excluded.external_id,
                error_class = excluded.error_class, error_message = excluded.error_message,
                level = excluded.level, updated_at = excluded.updated_at, created = excluded.created
            """, logger: logger)
        try await connection.run(
            """
            INSERT INTO transitions (project, environment, step_id, status, attempt, idempotency_key, error_class, at)
            VALUES (\(scope.project), \(scope.environment.rawValue), \(state.stepID), \(state.status.rawValue),
                \(Int64(state.attempts)), \(state.idempotencyKey), \(state.errorClass), \(updated))
            """, logger: logger)
    }
}

/// A lease as the journal checks it: one verdict per scope and fence in a batch (and per step, for a worker's claim).
struct LockFenceKey: Hashable {
    var scope: StoreScope
    var fence: LockFence
    var stepID: String

    init(_ transition: PendingTransition, _ fence: LockFence) {
        scope = transition.scope
        self.fence = fence
        stepID = fence.claim == nil ? "" : transition.state.stepID
    }
}
