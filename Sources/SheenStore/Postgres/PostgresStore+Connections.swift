import Foundation
import PostgresNIO
import SheenModel
import SheenSecrets

extension PostgresStore: ConnectionStore {
    public func connections(project: String?) async throws -> [Connection] {
        let rows =
            if let project {
                try await rows(
                    "SELECT * FROM connections WHERE project = \(project) ORDER BY provider, environment, alias")
            } else {
                try await rows("SELECT * FROM connections ORDER BY project, provider, environment, alias")
            }
        return try rows.map(Self.connection)
    }

    public func save(_ connection: Connection, secrets: [SecretRecord]) async throws {
        try await saveAll([(connection, secrets)])
    }

    public func saveAll(_ batch: [(connection: Connection, secrets: [SecretRecord])]) async throws {
        let rows = try batch.map { item in
            (
                item, try Self.json(item.connection.markets.map(\.rawValue)), try Self.json(item.connection.fields),
                try item.connection.problem.map(Self.json)
            )
        }
        try await transaction { db in
            for ((connection, secrets), markets, fields, problem) in rows {
                let clash = try await db.run(
                    """
                    SELECT 1 FROM connections
                    WHERE project = \(connection.project) AND provider = \(connection.provider)
                        AND environment = \(connection.environment.rawValue) AND alias = \(connection.alias)
                        AND id != \(connection.id)
                    """, logger: logger)
                if clash > 0 {
                    throw ConnectionStoreError.duplicate(
                        reference: connection.reference, environment: connection.environment.rawValue)
                }
                try await db.run(
                    """
                    INSERT INTO connections (id, project, provider, environment, alias, markets, external_account_id,
                        sandbox, base_url, fields, problem, created_at, updated_at)
                    VALUES (\(connection.id), \(connection.project), \(connection.provider),
                        \(connection.environment.rawValue), \(connection.alias), \(markets),
                        \(connection.externalAccountID), \(connection.sandbox), \(connection.baseURL), \(fields),
                        \(problem), \(connection.createdAt.timeIntervalSince1970),
                        \(connection.updatedAt.timeIntervalSince1970))
                    ON CONFLICT (id) DO UPDATE SET
                        markets = excluded.markets, external_account_id = excluded.external_account_id,
                        sandbox = excluded.sandbox, base_url = excluded.base_url, fields = excluded.fields,
                        problem = excluded.problem, updated_at = excluded.updated_at
                    """, logger: logger)
                for record in secrets { try await write(record, db) }
            }
        }
    }

    public func removeConnection(id: String) async throws -> Bool {
        try await execute("DELETE FROM connections WHERE id = \(id) RETURNING 1") > 0
    }

    public func secrets(of connectionID: String) async throws -> [SecretRecord] {
        try await rows(
            "SELECT * FROM connection_secrets WHERE connection_id = \(connectionID) ORDER BY field, slot"
        ).map(Self.secret)
    }

    public func stagePending(_ secrets: [SecretRecord]) async throws {
        try await transaction { db in
            for var record in secrets {
                record.slot = .pending
                try await write(record, db)
            }
        }
    }

    public func promotePending(connectionID: String) async throws {
        try await transaction { db in
            try await db.run(
                """
                DELETE FROM connection_secrets WHERE connection_id = \(connectionID) AND slot = 'current'
                    AND field IN (
                        SELECT field FROM connection_secrets WHERE connection_id = \(connectionID) AND slot = 'pending')
                """, logger: logger)
            try await db.run(
                """
                UPDATE connection_secrets SET slot = 'current'
                WHERE connection_id = \(connectionID) AND slot = 'pending'
                """, logger: logger)
            try await db.run(
                """
                UPDATE connections SET problem = NULL, updated_at = \(Date().timeIntervalSince1970)
                WHERE id = \(connectionID)
                """, logger: logger)
        }
    }

    public func discardPending(connectionID: String) async throws {
        try await execute("DELETE FROM connection_secrets WHERE connection_id = \(connectionID) AND slot = 'pending'")
    }

    public func setProblem(_ problem: LocalizedText?, connectionID: String) async throws {
        let text = try problem.map(Self.json)
        try await execute("UPDATE connections SET problem = \(text) WHERE id = \(connectionID)")
    }

    public func keyUsage() async throws -> [String: Int] {
        var usage: [String: Int] = [:]
        for row in try await rows("SELECT key_id, count(*) AS uses FROM connection_secrets GROUP BY key_id") {
            usage[try row.value("key_id", as: String.self)] = Int(try row.value("uses", as: Int64.self))
        }
        return usage
    }

    public func secrets(notWrappedBy keyID: String, limit: Int) async throws -> [SecretRecord] {
        try await rows(
            """
            SELECT * FROM connection_secrets WHERE key_id != \(keyID)
            ORDER BY connection_id, field, slot LIMIT \(Int64(limit))
            """
        ).map(Self.secret)
    }

    public func rewrap(_ changes: [(old: SecretRecord, new: SealedSecret)]) async throws -> Int {
        try await transaction { db in
            var changed = 0
            for (old, new) in changes {
                changed += try await db.run(
                    """
                    UPDATE connection_secrets SET key_id = \(new.keyID), wrapped_key = \(new.wrappedKey)
                    WHERE connection_id = \(old.connectionID) AND field = \(old.field)
                        AND slot = \(old.slot.rawValue) AND key_id = \(old.sealed.keyID)
                        AND wrapped_key = \(old.sealed.wrappedKey)
                    RETURNING 1
                    """, logger: logger)
            }
            return changed
        }
    }

    // MARK: Rows

    private func write(_ record: SecretRecord, _ db: PostgresConnection) async throws {
        try await db.run(
            """
            INSERT INTO connection_secrets (connection_id, field, slot, format_version, key_id, wrapped_key,
                ciphertext, fingerprint, set_at)
            VALUES (\(record.connectionID), \(record.field), \(record.slot.rawValue),
                \(Int64(record.sealed.formatVersion)), \(record.sealed.keyID), \(record.sealed.wrappedKey),
                \(record.sealed.ciphertext), \(record.fingerprint), \(record.setAt.timeIntervalSince1970))
            ON CONFLICT (connection_id, field, slot) DO UPDATE SET
                format_version = excluded.format_version, key_id = excluded.key_id,
                wrapped_key = excluded.wrapped_key, ciphertext = excluded.ciphertext,
                fingerprint = excluded.fingerprint, set_at = excluded.set_at
            """, logger: logger)
    }

    private static func connection(_ row: PostgresRandomAccessRow) throws -> Connection {
        let markets = try JSONDecoder().decode(
            [String].self, from: Data(try row.value("markets", as: String.self).utf8))
        let problem = try row.value("problem", as: String?.self).map {
            try JSONDecoder().decode(LocalizedText.self, from: Data($0.utf8))
        }
        let fields = try JSONDecoder().decode(
            [String: String].self, from: Data(try row.value("fields", as: String.self).utf8))
        return Connection(
            id: try row.value("id"), project: try row.value("project"), provider: try row.value("provider"),
            environment: DeploymentEnvironment(rawValue: try row.value("environment", as: String.self)) ?? .dev,
            alias: try row.value("alias"), markets: markets.compactMap(CountryCode.init(rawValue:)),
            externalAccountID: try row.value("external_account_id"), sandbox: try row.value("sandbox"),
            baseURL: try row.value("base_url"), fields: fields, problem: problem,
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }

    private static func secret(_ row: PostgresRandomAccessRow) throws -> SecretRecord {
        SecretRecord(
            connectionID: try row.value("connection_id"), field: try row.value("field"),
            slot: SecretRecord.Slot(rawValue: try row.value("slot", as: String.self)) ?? .pending,
            sealed: SealedSecret(
                formatVersion: UInt8(clamping: try row.value("format_version", as: Int64.self)),
                keyID: try row.value("key_id"), wrappedKey: try row.value("wrapped_key"),
                ciphertext: try row.value("ciphertext")),
            fingerprint: try row.value("fingerprint"), setAt: try row.date("set_at"))
    }

    private static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
