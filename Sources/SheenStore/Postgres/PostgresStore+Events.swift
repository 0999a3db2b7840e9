import Foundation
import PostgresNIO
import SheenModel
import SheenSecrets
import SheenWebhooks

extension PostgresStore: EventStore {
    public func ingest(_ delivery: IncomingDelivery) async throws -> IngestResult {
        try await ingestBatcher.submit(delivery)
    }

    /// Inserts a batch of deliveries in two statements, whatever its size: one multi-row insert that skips keys already
    /// stored, then one lookup of the rows the skipped ones matched. A delivery another receiver is inserting at the
    /// same moment waits on its unique key and then finds that receiver's row: the race ends with one row either way.
    ///
    /// postgres-nio binds arrays without NULL elements, so absent values travel as sentinels that `NULLIF` turns back
    /// into NULL: an empty string, NaN, -1, or an empty body (a sealed body is never empty).
    static func insert(
        _ batch: [IncomingDelivery], client: PostgresClient, logger: Logger
    ) async throws -> [IngestResult] {
        let events = batch.map(\.event)
        let projects = batch.map(\.project)
        let connections = batch.map(\.connection)
        let keys = events.map(\.dedupKey)
        return try await transaction(client, logger: logger) { db in
            let inserted = try await db.rows(
                """
                INSERT INTO webhook_events (project, connection, provider, scheme, type, event_id, object_id,
                    object_status, occurred_at, live, dedup_key, status, received_at, headers, body_format,
                    body_key_id, body_wrapped_key, body_ciphertext)
                SELECT project, connection, provider, scheme, type, NULLIF(event_id, ''), NULLIF(object_id, ''),
                    NULLIF(object_status, ''), NULLIF(occurred_at, 'NaN'), CASE live WHEN 1 THEN true WHEN 0 THEN false END,
                    dedup_key, 'received', received_at, headers, NULLIF(body_format, -1), NULLIF(body_key_id, ''),
                    NULLIF(body_wrapped_key, ''::bytea), NULLIF(body_ciphertext, ''::bytea)
                FROM unnest(\(projects)::text[], \(connections)::text[], \(events.map(\.provider))::text[],
                    \(events.map(\.scheme.rawValue))::text[], \(events.map(\.type))::text[],
                    \(events.map { $0.eventID ?? "" })::text[], \(events.map { $0.objectID ?? "" })::text[],
                    \(events.map { $0.status ?? "" })::text[],
                    \(events.map { $0.occurredAt?.timeIntervalSince1970 ?? .nan })::float8[],
                    \(events.map { $0.live.map { $0 ? Int64(1) : 0 } ?? -1 })::bigint[], \(keys)::text[],
                    \(batch.map { $0.receivedAt.timeIntervalSince1970 })::float8[], \(batch.map(\.headers))::text[],
                    \(batch.map { $0.body.map { Int64($0.formatVersion) } ?? -1 })::bigint[],
                    \(batch.map { $0.body?.keyID ?? "" })::text[], \(batch.map { ByteBuffer(bytes: $0.body?.wrappedKey ?? Data()) })::bytea[],
                    \(batch.map { ByteBuffer(bytes: $0.body?.ciphertext ?? Data()) })::bytea[])
                    AS d(project, connection, provider, scheme, type, event_id, object_id, object_status, occurred_at,
                        live, dedup_key, received_at, headers, body_format, body_key_id, body_wrapped_key,
                        body_ciphertext)
                ON CONFLICT (project, connection, dedup_key) DO NOTHING
                RETURNING id, project, connection, dedup_key
                """, logger: logger)
            var fresh: [String: Int64] = [:]
            for row in inserted {
                fresh[
                    Self.deliveryKey(try row.value("project"), try row.value("connection"), try row.value("dedup_key"))] =
                    try row.value("id", as: Int64.self)
            }
            var existing: [String: Int64] = [:]
            if inserted.count < batch.count {
                for row in try await db.rows(
                    """
                    SELECT e.id, e.project, e.connection, e.dedup_key FROM webhook_events e
                    JOIN unnest(\(projects)::text[], \(connections)::text[], \(keys)::text[]) AS d(project, connection, dedup_key)
                        ON e.project = d.project AND e.connection = d.connection AND e.dedup_key = d.dedup_key
                    """, logger: logger)
                {
                    existing[
                        Self.deliveryKey(
                            try row.value("project"), try row.value("connection"), try row.value("dedup_key"))
                    ] = try row.value("id", as: Int64.self)
                }
            }
            // The first delivery of a key this batch inserted is new; every other one is a redelivery of its row.
            var answered = Set<String>()
            return batch.map { delivery in
                let key = Self.deliveryKey(delivery.project, delivery.connection, delivery.event.dedupKey)
                defer { answered.insert(key) }
                if let id = fresh[key], !answered.contains(key) { return IngestResult(id: id, duplicate: false) }
                return IngestResult(id: fresh[key] ?? existing[key] ?? 0, duplicate: true)
            }
        }
    }

    private static func deliveryKey(_ project: String, _ connection: String, _ dedupKey: String) -> String {
        "\(project)\u{1F}\(connection)\u{1F}\(dedupKey)"
    }

    public func due(at now: Date, limit: Int) async throws -> [StoredEvent] {
        try await rows(
            """
            SELECT * FROM webhook_events
            WHERE status = 'received' OR (status = 'failed' AND next_attempt_at <= \(now.timeIntervalSince1970))
            ORDER BY id LIMIT \(Int64(limit))
            """
        ).map(Self.event)
    }

    public func claim(at now: Date, limit: Int, lease: TimeInterval) async throws -> [StoredEvent] {
        let at = now.timeIntervalSince1970
        // SKIP LOCKED: receivers claiming at the same moment split the due rows between them instead of queueing on
        // the same ones, and the update stamps the claim in the same statement.
        let claimed = try await rows(
            """
            UPDATE webhook_events SET claimed_until = \(at + lease)
            WHERE id IN (
                SELECT id FROM webhook_events
                WHERE (status = 'received' OR (status = 'failed' AND next_attempt_at <= \(at)))
                    AND (claimed_until IS NULL OR claimed_until <= \(at))
                ORDER BY id LIMIT \(Int64(limit))
                FOR UPDATE SKIP LOCKED)
            RETURNING *
            """
        ).map(Self.event)
        return claimed.sorted { $0.id < $1.id }
    }

    public func markProcessed(_ id: Int64, at date: Date) async throws -> Bool {
        try await execute(
            """
            UPDATE webhook_events SET status = 'processed', processed_at = \(date.timeIntervalSince1970),
                attempts = attempts + 1, next_attempt_at = NULL, claimed_until = NULL
            WHERE id = \(id) AND status IN ('received', 'failed')
            RETURNING 1
            """) > 0
    }

    public func markFailed(_ id: Int64, reason: String, retryAt: Date?) async throws {
        try await execute(
            """
            UPDATE webhook_events SET status = \(retryAt == nil ? "dead" : "failed"), attempts = attempts + 1,
                last_error = \(reason), next_attempt_at = \(retryAt?.timeIntervalSince1970), claimed_until = NULL
            WHERE id = \(id) AND status IN ('received', 'failed')
            """)
    }

    public func events(
        project: String?, provider: String?, status: StoredEvent.Status?, limit: Int
    ) async throws -> [StoredEvent] {
        // A NULL parameter matches everything: one statement for every combination of filters.
        try await rows(
            """
            SELECT * FROM webhook_events
            WHERE (\(project)::text IS NULL OR project = \(project))
                AND (\(provider)::text IS NULL OR provider = \(provider))
                AND (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue))
            ORDER BY id DESC LIMIT \(Int64(limit))
            """
        ).map(Self.event)
    }

    public func event(_ id: Int64) async throws -> (StoredEvent, SealedSecret?)? {
        guard let row = try await rows("SELECT * FROM webhook_events WHERE id = \(id)").first else { return nil }
        var body: SealedSecret?
        if let keyID = try row.value("body_key_id", as: String?.self),
            let wrapped = try row.value("body_wrapped_key", as: Data?.self),
            let ciphertext = try row.value("body_ciphertext", as: Data?.self)
        {
            let format = try row.value("body_format", as: Int64?.self) ?? Int64(SealedSecret.currentFormat)
            body = SealedSecret(
                formatVersion: UInt8(clamping: format), keyID: keyID, wrappedKey: wrapped, ciphertext: ciphertext)
        }
        return (try Self.event(row), body)
    }

    public func replay(_ id: Int64) async throws -> Bool {
        try await execute(
            """
            UPDATE webhook_events SET status = 'received', next_attempt_at = NULL, claimed_until = NULL
            WHERE id = \(id) AND status IN ('dead', 'failed')
            RETURNING 1
            """) > 0
    }

    public func purge(bodiesBefore: Date, rowsBefore: Date) async throws -> (bodies: Int, rows: Int) {
        try await transaction { db in
            let bodies = try await db.run(
                """
                UPDATE webhook_events SET body_format = NULL, body_key_id = NULL, body_wrapped_key = NULL,
                    body_ciphertext = NULL
                WHERE received_at < \(bodiesBefore.timeIntervalSince1970) AND body_ciphertext IS NOT NULL
                RETURNING 1
                """, logger: logger)
            let rows = try await db.run(
                """
                DELETE FROM webhook_events
                WHERE received_at < \(rowsBefore.timeIntervalSince1970) AND status IN ('processed', 'dead')
                RETURNING 1
                """, logger: logger)
            return (bodies, rows)
        }
    }

    // MARK: Rows

    static func event(_ row: PostgresRandomAccessRow) throws -> StoredEvent {
        StoredEvent(
            id: try row.value("id"), project: try row.value("project"), connection: try row.value("connection"),
            event: WebhookEvent(
                provider: try row.value("provider"),
                scheme: WebhookScheme(id: try row.value("scheme", as: String.self)) ?? .urlToken,
                type: try row.value("type"), eventID: try row.value("event_id"), objectID: try row.value("object_id"),
                status: try row.value("object_status"), occurredAt: try row.optionalDate("occurred_at"),
                live: try row.value("live"), dedupKey: try row.value("dedup_key")),
            status: StoredEvent.Status(rawValue: try row.value("status", as: String.self)) ?? .received,
            attempts: Int(try row.value("attempts", as: Int64.self)),
            nextAttemptAt: try row.optionalDate("next_attempt_at"), lastError: try row.value("last_error"),
            receivedAt: try row.date("received_at"), processedAt: try row.optionalDate("processed_at"),
            hasBody: try row.value("body_ciphertext", as: Data?.self) != nil)
    }
}
