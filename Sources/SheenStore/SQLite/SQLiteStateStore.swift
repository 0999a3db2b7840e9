import Foundation
internal import GRDB
import SheenEngine
import SheenModel
import SheenPlanner
import Synchronization

/// The durable ``StateStore``: one SQLite file (by default `.sheen/state.sqlite`), in WAL mode with
/// `synchronous=FULL` so a committed transition survives power loss, a busy timeout so concurrent `sheen`
/// processes queue instead of failing, foreign keys on, and versioned migrations.
public final class SQLiteStateStore: StateStore {
    let database: DatabaseQueue
    private let faults: JournalFaults?

    /// Opens (creating if needed) the store at `path` and migrates it to the current schema.
    public init(path: String, faults: JournalFaults? = nil) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        database = try DatabaseQueue(path: path, configuration: configuration)
        // Setting up needs no fsync per step: in WAL mode with synchronous=NORMAL a lost setup commit leaves a
        // consistent file that the next open migrates again. The journal itself runs with synchronous=FULL.
        try database.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Deleted rows (a removed connection's ciphertexts, a replaced wrapping) are zeroed, not left in free pages.
            try db.execute(sql: "PRAGMA secure_delete = ON")
            _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
        }
        self.faults = faults
        try Self.migrator.migrate(database)
        try database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
    }

    /// A private in-memory database with the same schema, for tests.
    public static func inMemory() throws -> SQLiteStateStore {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        let database = try DatabaseQueue(configuration: configuration)
        try migrator.migrate(database)
        return SQLiteStateStore(database: database)
    }

    private init(database: DatabaseQueue) {
        self.database = database
        self.faults = nil
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: journal, locks, breakers") { db in
            try db.execute(
                sql: """
                    CREATE TABLE scopes (
                        project TEXT NOT NULL, environment TEXT NOT NULL, created_at REAL NOT NULL,
                        PRIMARY KEY (project, environment));
                    CREATE TABLE steps (
                        project TEXT NOT NULL, environment TEXT NOT NULL, step_id TEXT NOT NULL,
                        kind TEXT NOT NULL, provider TEXT, status TEXT NOT NULL, input_hash TEXT NOT NULL,
                        idempotency_key TEXT NOT NULL, request_fingerprint TEXT NOT NULL, attempts INTEGER NOT NULL,
                        outputs TEXT NOT NULL, external_id TEXT, error_class TEXT, error_message TEXT,
                        level INTEGER NOT NULL, updated_at REAL NOT NULL,
                        PRIMARY KEY (project, environment, step_id),
                        FOREIGN KEY (project, environment) REFERENCES scopes (project, environment));
                    CREATE TABLE transitions (
                        id INTEGER PRIMARY KEY, project TEXT NOT NULL, environment TEXT NOT NULL,
                        step_id TEXT NOT NULL, status TEXT NOT NULL, attempt INTEGER NOT NULL,
                        idempotency_key TEXT NOT NULL, error_class TEXT, at REAL NOT NULL,
                        FOREIGN KEY (project, environment) REFERENCES scopes (project, environment));
                    CREATE INDEX transitions_by_step ON transitions (project, environment, step_id);
                    CREATE TABLE locks (
                        project TEXT NOT NULL, environment TEXT NOT NULL, holder TEXT NOT NULL, pid INTEGER NOT NULL,
                        host TEXT NOT NULL, acquired_at REAL NOT NULL, expires_at REAL NOT NULL,
                        PRIMARY KEY (project, environment),
                        FOREIGN KEY (project, environment) REFERENCES scopes (project, environment));
                    CREATE TABLE breakers (connection TEXT PRIMARY KEY, state TEXT NOT NULL);
                    """)
        }
        migrator.registerMigration("v2: fencing tokens, ever-created steps") { db in
            // `scopes.fence` counts grants of the scope's lock, so a token is never reissued even after a release.
            try db.execute(
                sql: """
                    ALTER TABLE scopes ADD COLUMN fence INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE locks ADD COLUMN token INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE steps ADD COLUMN created INTEGER NOT NULL DEFAULT 0;
                    UPDATE steps SET created = 1 WHERE status = 'succeeded' OR external_id IS NOT NULL;
                    """)
        }
        migrator.registerMigration("v3: connections and sealed credentials") { db in
            // Credential values arrive here only sealed (SheenSecrets): a ciphertext, the data key wrapped by a
            // key-encryption key, and that key's id, indexed so a rotation finds what is still under an old key.
            try db.execute(
                sql: """
                    CREATE TABLE connections (
                        id TEXT PRIMARY KEY, project TEXT NOT NULL, provider TEXT NOT NULL, environment TEXT NOT NULL,
                        alias TEXT NOT NULL, markets TEXT NOT NULL, external_account_id TEXT,
                        sandbox INTEGER NOT NULL, base_url TEXT, fields TEXT NOT NULL, problem TEXT,
                        created_at REAL NOT NULL, updated_at REAL NOT NULL,
                        UNIQUE (project, provider, environment, alias));
                    CREATE TABLE connection_secrets (
                        connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
                        field TEXT NOT NULL, slot TEXT NOT NULL, format_version INTEGER NOT NULL,
                        key_id TEXT NOT NULL, wrapped_key BLOB NOT NULL, ciphertext BLOB NOT NULL,
                        fingerprint TEXT NOT NULL, set_at REAL NOT NULL,
                        PRIMARY KEY (connection_id, field, slot));
                    CREATE INDEX connection_secrets_by_key ON connection_secrets (key_id);
                    """)
        }
        migrator.registerMigration("v4: webhook events") { db in
            // One row per distinct delivery: the unique key is what makes a redelivery a no-op, so rows outlive the
            // providers' retry windows (purged after 76 h), while sealed raw bodies go sooner.
            try db.execute(
                sql: """
                    CREATE TABLE webhook_events (
                        id INTEGER PRIMARY KEY AUTOINCREMENT, project TEXT NOT NULL, connection TEXT NOT NULL,
                        provider TEXT NOT NULL, scheme TEXT NOT NULL, type TEXT NOT NULL, event_id TEXT,
                        object_id TEXT, object_status TEXT, occurred_at REAL, live INTEGER, dedup_key TEXT NOT NULL,
                        status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at REAL,
                        last_error TEXT, received_at REAL NOT NULL, processed_at REAL, headers TEXT NOT NULL,
                        body_format INTEGER, body_key_id TEXT, body_wrapped_key BLOB, body_ciphertext BLOB,
                        UNIQUE (project, connection, dedup_key));
                    CREATE INDEX webhook_events_due ON webhook_events (status, next_attempt_at, id);
                    CREATE INDEX webhook_events_received ON webhook_events (received_at);
                    """)
        }
        migrator.registerMigration("v5: checklist conditions and attestations") { db in
            // A condition row is rewritten on every evaluation; its transition time moves only when its status does.
            try db.execute(
                sql: """
                    CREATE TABLE checklist_conditions (
                        project TEXT NOT NULL, environment TEXT NOT NULL, item TEXT NOT NULL, position INTEGER NOT NULL,
                        status TEXT NOT NULL, reason TEXT NOT NULL, last_transition REAL NOT NULL, body TEXT NOT NULL,
                        PRIMARY KEY (project, environment, item));
                    CREATE TABLE checklist_attestations (
                        project TEXT NOT NULL, environment TEXT NOT NULL, item TEXT NOT NULL, evidence TEXT NOT NULL,
                        attested_by TEXT NOT NULL, attested_at REAL NOT NULL,
                        PRIMARY KEY (project, environment, item));
                    """)
        }
        migrator.registerMigration("v6: webhook event claims") { db in
            // Several receivers may share one store: a claimed event is skipped by the others until its lease ends.
            try db.execute(sql: "ALTER TABLE webhook_events ADD COLUMN claimed_until REAL")
        }
        migrator.registerMigration("v7: API projects, access tokens, audit log, launches") { db in
            try db.execute(sql: ConsoleSchema.sqlite)
        }
        return migrator
    }

    // MARK: Journal

    public func steps(in scope: StoreScope) async throws -> [StepState] {
        try await database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM steps WHERE project = ? AND environment = ? ORDER BY step_id",
                arguments: [scope.project, scope.environment.rawValue]
            ).map(Self.state)
        }
    }

    public func scopes() async throws -> [StoreScope] {
        try await database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT DISTINCT project, environment FROM steps ORDER BY project, environment"
            ).compactMap { row in
                DeploymentEnvironment(rawValue: row["environment"]).map {
                    StoreScope(project: row["project"], environment: $0)
                }
            }
        }
    }

    public func submit(_ state: StepState, in scope: StoreScope, fence: LockFence?) -> JournalReceipt {
        let write = faults?.beforeWrite()
        let receipt = JournalReceipt()
        let startWriter = queue.withLock { value -> Bool in
            value.pending.append(
                PendingTransition(state: state, scope: scope, fence: fence, write: write, receipt: receipt))
            defer { value.writing = true }
            return !value.writing
        }
        if startWriter { writer.async { self.drain() } }
        return receipt
    }

    /// Group commit: transitions that arrive while a commit is in progress are written together in the next one.
    /// Each transition is still atomic (its row and its journal entry commit together) and durable before its caller
    /// goes on to make the call it announces; concurrent steps just share an fsync, as PostgreSQL's group commit does.
    private let queue = Mutex<(pending: [PendingTransition], writing: Bool)>(([], false))

    /// The journal writer runs on its own serial queue and writes synchronously, so a commit costs one thread hop
    /// rather than a task hop plus GRDB's own.
    private let writer = DispatchQueue(label: "sheen.journal-writer", qos: .userInitiated)

    private func drain() {
        while true {
            let batch = queue.withLock { value -> [PendingTransition] in
                let batch = value.pending
                value.pending = []
                if batch.isEmpty { value.writing = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            do {
                let rows = try batch.map { ($0, try Self.encode($0.state.outputs)) }
                // A transition whose lease was lost fails alone; the others in the batch still commit.
                let refused = try database.write { db -> [Int: LockLost] in
                    for scope in Set(batch.map(\.scope)) { try Self.ensureScope(scope, at: Date(), db) }
                    var verdicts: [LockFenceKey: LockLost?] = [:]
                    var refused: [Int: LockLost] = [:]
                    for (position, (transition, outputs)) in rows.enumerated() {
                        if let fence = transition.fence {
                            let key = LockFenceKey(transition, fence)
                            if verdicts[key] == nil {
                                verdicts[key] = try Self.fenceViolation(fence, transition.scope, db)
                            }
                            if let lost = verdicts[key] ?? nil {
                                refused[position] = lost
                                continue
                            }
                        }
                        try Self.write(transition.state, outputs: outputs, in: transition.scope, db)
                    }
                    return refused
                }
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

    private static let upsertStep = """
        INSERT INTO steps (project, environment, step_id, kind, provider, status, input_hash, idempotency_key,
            request_fingerprint, attempts, outputs, external_id, error_class, error_message, level, updated_at, created)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (project, environment, step_id) DO UPDATE SET
            kind = excluded.kind, provider = excluded.provider, status = excluded.status,
            input_hash = excluded.input_hash, idempotency_key = excluded.idempotency_key,
            request_fingerprint = excluded.request_fingerprint, attempts = excluded.attempts,
            outputs = excluded.outputs, external_id = excluded.external_id,
            error_class = excluded.error_class, error_message = excluded.error_message,
            level = excluded.level, updated_at = excluded.updated_at, created = excluded.created
        """

    private static let insertTransition = """
        INSERT INTO transitions (project, environment, step_id, status, attempt, idempotency_key, error_class, at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Writes one transition with prepared statements kept by the connection: the journal's hot path.
    private static func write(_ state: StepState, outputs: String, in scope: StoreScope, _ db: Database) throws {
        try db.cachedStatement(sql: upsertStep).execute(arguments: [
            scope.project, scope.environment.rawValue, state.stepID, state.kind, state.provider,
            state.status.rawValue, state.inputHash, state.idempotencyKey, state.requestFingerprint,
            state.attempts, outputs, state.externalID, state.errorClass, state.errorMessage, state.level,
            state.updatedAt.timeIntervalSince1970, state.created,
        ])
        try db.cachedStatement(sql: insertTransition).execute(arguments: [
            scope.project, scope.environment.rawValue, state.stepID, state.status.rawValue, state.attempts,
            state.idempotencyKey, state.errorClass, state.updatedAt.timeIntervalSince1970,
        ])
    }

    public func remove(_ stepID: String, in scope: StoreScope, at date: Date, fence: LockFence?) async throws {
        let write = faults?.beforeWrite()
        try await database.write { db in
            try Self.ensureScope(scope, at: date, db)
            if let fence, let lost = try Self.fenceViolation(fence, scope, db) { throw lost }
            let key = try String.fetchOne(
                db, sql: "SELECT idempotency_key FROM steps WHERE project = ? AND environment = ? AND step_id = ?",
                arguments: [scope.project, scope.environment.rawValue, stepID])
            try db.execute(
                sql: "DELETE FROM steps WHERE project = ? AND environment = ? AND step_id = ?",
                arguments: [scope.project, scope.environment.rawValue, stepID])
            try db.execute(
                sql: """
                    INSERT INTO transitions (project, environment, step_id, status, attempt, idempotency_key, error_class, at)
                    VALUES (?, ?, ?, 'removed', 0, ?, NULL, ?)
                    """,
                arguments: [scope.project, scope.environment.rawValue, stepID, key ?? "", date.timeIntervalSince1970])
        }
        if let write { faults?.afterWrite(write) }
    }

    /// Every transition of a step, oldest first: the audit trail behind `sheen state show`.
    public func transitions(
        of stepID: String, in scope: StoreScope
    ) async throws -> [(status: String, attempt: Int, at: Date, errorClass: String?)] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT status, attempt, at, error_class FROM transitions WHERE project = ? AND environment = ? AND step_id = ? ORDER BY id",
                arguments: [scope.project, scope.environment.rawValue, stepID]
            ).map { row in
                (row["status"], row["attempt"], Date(timeIntervalSince1970: row["at"]), row["error_class"])
            }
        }
    }

    /// Who holds the apply lock of `scope`, if anyone: the crash tests check the killed run still held it.
    public func lock(of scope: StoreScope) async throws -> LockInfo? {
        try await database.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM locks WHERE project = ? AND environment = ?",
                arguments: [scope.project, scope.environment.rawValue]
            ).map(Self.lock)
        }
    }

    /// How many transitions the journal of `scope` holds.
    public func journalLength(of scope: StoreScope) async throws -> Int {
        try await database.read { db in
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM transitions WHERE project = ? AND environment = ?",
                arguments: [scope.project, scope.environment.rawValue]) ?? 0
        }
    }

    /// The value of a pragma on the store's connection, for checks and `sheen state`.
    public func pragma(_ name: String) async throws -> String {
        guard name.allSatisfy({ $0.isLetter || $0 == "_" }) else { return "" }
        return try await database.read { db in try String.fetchOne(db, sql: "PRAGMA \(name)") ?? "" }
    }

    /// `PRAGMA integrity_check`: "ok" for a sound file.
    public func integrityCheck() async throws -> String {
        try await database.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "" }
    }

    // MARK: Lock

    public func acquireLock(
        _ scope: StoreScope, as holder: LockInfo, isStale: @Sendable (LockInfo) -> Bool
    ) async throws -> LockInfo {
        try await database.writeWithoutTransaction { db in
            var held: LockInfo?
            var granted = holder
            try db.inTransaction(.immediate) {
                try Self.ensureScope(scope, at: holder.acquiredAt, db)
                if let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM locks WHERE project = ? AND environment = ?",
                    arguments: [scope.project, scope.environment.rawValue])
                {
                    let current = Self.lock(row)
                    if current.holder != holder.holder, current.expiresAt > holder.acquiredAt, !isStale(current) {
                        held = current
                        return .rollback
                    }
                }
                try db.execute(
                    sql: "UPDATE scopes SET fence = fence + 1 WHERE project = ? AND environment = ?",
                    arguments: [scope.project, scope.environment.rawValue])
                granted.token =
                    try Int64.fetchOne(
                        db, sql: "SELECT fence FROM scopes WHERE project = ? AND environment = ?",
                        arguments: [scope.project, scope.environment.rawValue]) ?? 0
                try db.execute(
                    sql: """
                        INSERT INTO locks (project, environment, holder, pid, host, acquired_at, expires_at, token)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (project, environment) DO UPDATE SET holder = excluded.holder, pid = excluded.pid,
                            host = excluded.host, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at,
                            token = excluded.token
                        """,
                    arguments: [
                        scope.project, scope.environment.rawValue, holder.holder, holder.processID, holder.host,
                        holder.acquiredAt.timeIntervalSince1970, holder.expiresAt.timeIntervalSince1970,
                        granted.token,
                    ])
                return .commit
            }
            if let held { throw LockHeld(scope: scope, lock: held) }
            return granted
        }
    }

    public func renewLock(_ scope: StoreScope, fence: LockFence, until: Date) async throws {
        try await database.write { db in
            try db.execute(
                sql:
                    "UPDATE locks SET expires_at = ? WHERE project = ? AND environment = ? AND holder = ? AND token = ?",
                arguments: [
                    until.timeIntervalSince1970, scope.project, scope.environment.rawValue, fence.holder, fence.token,
                ])
            if db.changesCount == 0, let lost = try Self.fenceViolation(fence, scope, db) { throw lost }
        }
    }

    /// Why `fence` no longer holds `scope`'s lock, or nil when it does; read inside the writing transaction.
    private static func fenceViolation(_ fence: LockFence, _ scope: StoreScope, _ db: Database) throws -> LockLost? {
        let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT holder, token FROM locks WHERE project = ? AND environment = ?"),
            arguments: [scope.project, scope.environment.rawValue])
        // Queued runs and their step claims live only in the shared store: a claim fence here was never granted.
        if fence.claim == nil, let row, row["holder"] == fence.holder, (row["token"] as Int64) == fence.token {
            return nil
        }
        return LockLost(scope: scope, holder: row?["holder"])
    }

    public func releaseLock(_ scope: StoreScope, holder: String) async throws {
        try await database.write { db in
            try db.execute(
                sql: "DELETE FROM locks WHERE project = ? AND environment = ? AND holder = ?",
                arguments: [scope.project, scope.environment.rawValue, holder])
        }
    }

    // MARK: Breakers

    public func breaker(for connection: String) async throws -> CircuitBreaker? {
        try await database.read { db in
            guard
                let text = try String.fetchOne(
                    db, sql: "SELECT state FROM breakers WHERE connection = ?", arguments: [connection])
            else { return nil }
            return try JSONDecoder().decode(CircuitBreaker.self, from: Data(text.utf8))
        }
    }

    public func saveBreaker(_ breaker: CircuitBreaker, for connection: String) async throws {
        let text = String(decoding: try JSONEncoder().encode(breaker), as: UTF8.self)
        try await database.write { db in
            try db.execute(
                sql:
                    "INSERT INTO breakers (connection, state) VALUES (?, ?) ON CONFLICT (connection) DO UPDATE SET state = excluded.state",
                arguments: [connection, text])
        }
    }

    // MARK: Rows

    private static func ensureScope(_ scope: StoreScope, at date: Date, _ db: Database) throws {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO scopes (project, environment, created_at) VALUES (?, ?, ?)")
            .execute(arguments: [scope.project, scope.environment.rawValue, date.timeIntervalSince1970])
    }

    private static func encode(_ outputs: [String: String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(outputs), as: UTF8.self)
    }

    private static func state(_ row: Row) throws -> StepState {
        let outputs = try JSONDecoder().decode([String: String].self, from: Data((row["outputs"] as String).utf8))
        let status: String = row["status"]
        return StepState(
            stepID: row["step_id"], kind: row["kind"], provider: row["provider"],
            status: StepRecord.Status(rawValue: status) ?? .failed, inputHash: row["input_hash"],
            idempotencyKey: row["idempotency_key"], requestFingerprint: row["request_fingerprint"],
            attempts: row["attempts"], outputs: outputs, externalID: row["external_id"], errorClass: row["error_class"],
            errorMessage: row["error_message"], level: row["level"],
            updatedAt: Date(timeIntervalSince1970: row["updated_at"]), created: row["created"])
    }

    private static func lock(_ row: Row) -> LockInfo {
        LockInfo(
            holder: row["holder"], processID: row["pid"], host: row["host"],
            acquiredAt: Date(timeIntervalSince1970: row["acquired_at"]),
            expiresAt: Date(timeIntervalSince1970: row["expires_at"]), token: row["token"])
    }
}
