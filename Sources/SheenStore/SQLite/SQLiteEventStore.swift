import Foundation
internal import GRDB
import SheenModel
import SheenSecrets
import SheenWebhooks

/// The `EventStore` on the state file. Deliveries are group-committed: concurrent `ingest` calls share one
/// `synchronous=FULL` transaction, so each caller is answered only once its row is on disk, at the cost of one fsync
/// per batch instead of one per delivery.
public final class SQLiteEventStore: EventStore {
    private let database: DatabaseQueue
    private let batcher: EventBatcher?

    /// `groupCommit: false` commits every delivery on its own (the benchmark's baseline, as most receivers do).
    public init(_ store: SQLiteStateStore, groupCommit: Bool = true) {
        database = store.database
        let database = store.database
        batcher =
            groupCommit
            ? EventBatcher { batch in try await database.write { db in try batch.map { try Self.insert($0, db) } } }
            : nil
    }

    public func ingest(_ delivery: IncomingDelivery) async throws -> IngestResult {
        if let batcher { return try await batcher.submit(delivery) }
        return try await database.write { db in try Self.insert(delivery, db) }
    }

    public func due(at now: Date, limit: Int) async throws -> [StoredEvent] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM webhook_events
                    WHERE status = 'received' OR (status = 'failed' AND next_attempt_at <= ?)
                    ORDER BY id LIMIT ?
                    """, arguments: [now.timeIntervalSince1970, limit]
            ).map(Self.event)
        }
    }

    public func claim(at now: Date, limit: Int, lease: TimeInterval) async throws -> [StoredEvent] {
        try await database.write { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM webhook_events
                    WHERE (status = 'received' OR (status = 'failed' AND next_attempt_at <= ?))
                        AND (claimed_until IS NULL OR claimed_until <= ?)
                    ORDER BY id LIMIT ?
                    """, arguments: [now.timeIntervalSince1970, now.timeIntervalSince1970, limit])
            let events = try rows.map(Self.event)
            guard !events.isEmpty else { return [] }
            let ids = events.map { String($0.id) }.joined(separator: ",")
            try db.execute(
                sql: "UPDATE webhook_events SET claimed_until = ? WHERE id IN (\(ids))",
                arguments: [now.timeIntervalSince1970 + lease])
            return events
        }
    }

    public func markProcessed(_ id: Int64, at date: Date) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                sql: """
                    UPDATE webhook_events SET status = 'processed', processed_at = ?, attempts = attempts + 1,
                        next_attempt_at = NULL, claimed_until = NULL
                    WHERE id = ? AND status IN ('received', 'failed')
                    """, arguments: [date.timeIntervalSince1970, id])
            return db.changesCount > 0
        }
    }

    public func markFailed(_ id: Int64, reason: String, retryAt: Date?) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    UPDATE webhook_events SET status = ?, attempts = attempts + 1, last_error = ?, next_attempt_at = ?,
                        claimed_until = NULL
                    WHERE id = ? AND status IN ('received', 'failed')
                    """,
                arguments: [retryAt == nil ? "dead" : "failed", reason, retryAt?.timeIntervalSince1970, id])
        }
    }

    public func events(
        project: String?, provider: String?, status: StoredEvent.Status?, limit: Int
    ) async throws -> [StoredEvent] {
        try await database.read { db in
            var conditions: [String] = []
            var arguments: [any DatabaseValueConvertible] = []
            if let project {
                conditions.append("project = ?")
                arguments.append(project)
            }
            if let provider {
                conditions.append("provider = ?")
                arguments.append(provider)
            }
            if let status {
                conditions.append("status = ?")
                arguments.append(status.rawValue)
            }
            arguments.append(limit)
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(
                db, sql: "SELECT * FROM webhook_events \(filter) ORDER BY id DESC LIMIT ?",
                arguments: StatementArguments(arguments)
            ).map(Self.event)
        }
    }

    public func event(_ id: Int64) async throws -> (StoredEvent, SealedSecret?)? {
        try await database.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM webhook_events WHERE id = ?", arguments: [id])
            else { return nil }
            var body: SealedSecret?
            if let keyID: String = row["body_key_id"], let wrapped: Data = row["body_wrapped_key"],
                let ciphertext: Data = row["body_ciphertext"]
            {
                let format: Int = row["body_format"] ?? Int(SealedSecret.currentFormat)
                body = SealedSecret(
                    formatVersion: UInt8(clamping: format), keyID: keyID, wrappedKey: wrapped, ciphertext: ciphertext)
            }
            return (try Self.event(row), body)
        }
    }

    public func replay(_ id: Int64) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                sql: """
                    UPDATE webhook_events SET status = 'received', next_attempt_at = NULL, claimed_until = NULL
                    WHERE id = ? AND status IN ('dead', 'failed')
                    """, arguments: [id])
            return db.changesCount > 0
        }
    }

    public func purge(bodiesBefore: Date, rowsBefore: Date) async throws -> (bodies: Int, rows: Int) {
        try await database.write { db in
            try db.execute(
                sql: """
                    UPDATE webhook_events SET body_format = NULL, body_key_id = NULL, body_wrapped_key = NULL,
                        body_ciphertext = NULL
                    WHERE received_at < ? AND body_ciphertext IS NOT NULL
                    """, arguments: [bodiesBefore.timeIntervalSince1970])
            let bodies = db.changesCount
            try db.execute(
                sql: "DELETE FROM webhook_events WHERE received_at < ? AND status IN ('processed', 'dead')",
                arguments: [rowsBefore.timeIntervalSince1970])
            return (bodies, db.changesCount)
        }
    }

    // MARK: Rows

    private static func insert(_ delivery: IncomingDelivery, _ db: Database) throws -> IngestResult {
        let event = delivery.event
        try db.execute(
            sql: """
                INSERT INTO webhook_events (project, connection, provider, scheme, type, event_id, object_id,
                    object_status, occurred_at, live, dedup_key, status, received_at, headers, body_format, body_key_id,
                    body_wrapped_key, body_ciphertext)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'received', ?, ?, ?, ?, ?, ?)
                ON CONFLICT (project, connection, dedup_key) DO NOTHING
                """,
            arguments: [
                delivery.project, delivery.connection, event.provider, event.scheme.rawValue, event.type, event.eventID,
                event.objectID, event.status, event.occurredAt?.timeIntervalSince1970, event.live, event.dedupKey,
                delivery.receivedAt.timeIntervalSince1970, delivery.headers,
                delivery.body.map { Int($0.formatVersion) },
                delivery.body?.keyID, delivery.body?.wrappedKey, delivery.body?.ciphertext,
            ])
        if db.changesCount > 0 { return IngestResult(id: db.lastInsertedRowID, duplicate: false) }
        let existing =
            try Int64.fetchOne(
                db, sql: "SELECT id FROM webhook_events WHERE project = ? AND connection = ? AND dedup_key = ?",
                arguments: [delivery.project, delivery.connection, event.dedupKey]) ?? 0
        return IngestResult(id: existing, duplicate: true)
    }

    private static func event(_ row: Row) throws -> StoredEvent {
        let scheme: String = row["scheme"]
        let status: String = row["status"]
        return StoredEvent(
            id: row["id"], project: row["project"], connection: row["connection"],
            event: WebhookEvent(
                provider: row["provider"], scheme: WebhookScheme(id: scheme) ?? .urlToken, type: row["type"],
                eventID: row["event_id"], objectID: row["object_id"], status: row["object_status"],
                occurredAt: (row["occurred_at"] as Double?).map(Date.init(timeIntervalSince1970:)), live: row["live"],
                dedupKey: row["dedup_key"]),
            status: StoredEvent.Status(rawValue: status) ?? .received, attempts: row["attempts"],
            nextAttemptAt: (row["next_attempt_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
            lastError: row["last_error"], receivedAt: Date(timeIntervalSince1970: row["received_at"]),
            processedAt: (row["processed_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
            hasBody: (row["body_ciphertext"] as Data?) != nil)
    }
}
