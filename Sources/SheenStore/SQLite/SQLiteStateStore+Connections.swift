import Foundation
internal import GRDB
import SheenModel
import SheenSecrets

extension SQLiteStateStore: ConnectionStore {
    public func connections(project: String?) async throws -> [Connection] {
        try await database.read { db in
            let rows =
                if let project {
                    try Row.fetchAll(
                        db, sql: "SELECT * FROM connections WHERE project = ? ORDER BY provider, environment, alias",
                        arguments: [project])
                } else {
                    try Row.fetchAll(
                        db, sql: "SELECT * FROM connections ORDER BY project, provider, environment, alias")
                }
            return try rows.map(Self.connection)
        }
    }

    public func save(_ connection: Connection, secrets: [SecretRecord]) async throws {
        try await saveAll([(connection, secrets)])
    }

    public func saveAll(_ batch: [(connection: Connection, secrets: [SecretRecord])]) async throws {
        try await database.write { db in
            for (connection, secrets) in batch { try Self.save(connection, secrets: secrets, db) }
        }
    }

    private static func save(_ connection: Connection, secrets: [SecretRecord], _ db: Database) throws {
        let clash = try String.fetchOne(
            db,
            sql: """
                SELECT id FROM connections
                WHERE project = ? AND provider = ? AND environment = ? AND alias = ? AND id != ?
                """,
            arguments: [
                connection.project, connection.provider, connection.environment.rawValue, connection.alias,
                connection.id,
            ])
        if clash != nil {
            throw ConnectionStoreError.duplicate(
                reference: connection.reference, environment: connection.environment.rawValue)
        }
        try db.execute(
            sql: """
                INSERT INTO connections (id, project, provider, environment, alias, markets, external_account_id,
                    sandbox, base_url, fields, problem, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET
                    markets = excluded.markets, external_account_id = excluded.external_account_id,
                    sandbox = excluded.sandbox, base_url = excluded.base_url, fields = excluded.fields,
                    problem = excluded.problem, updated_at = excluded.updated_at
                """,
            arguments: [
                connection.id, connection.project, connection.provider, connection.environment.rawValue,
                connection.alias, try Self.json(connection.markets.map(\.rawValue)), connection.externalAccountID,
                connection.sandbox, connection.baseURL, try Self.json(connection.fields),
                try connection.problem.map(Self.json), connection.createdAt.timeIntervalSince1970,
                connection.updatedAt.timeIntervalSince1970,
            ])
        for record in secrets { try Self.write(record, db) }
    }

    public func removeConnection(id: String) async throws -> Bool {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM connections WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    public func secrets(of connectionID: String) async throws -> [SecretRecord] {
        try await database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM connection_secrets WHERE connection_id = ? ORDER BY field, slot",
                arguments: [connectionID]
            ).map(Self.secret)
        }
    }

    public func stagePending(_ secrets: [SecretRecord]) async throws {
        try await database.write { db in
            for var record in secrets {
                record.slot = .pending
                try Self.write(record, db)
            }
        }
    }

    public func promotePending(connectionID: String) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    DELETE FROM connection_secrets WHERE connection_id = ? AND slot = 'current'
                        AND field IN (SELECT field FROM connection_secrets WHERE connection_id = ? AND slot = 'pending')
                    """, arguments: [connectionID, connectionID])
            try db.execute(
                sql: "UPDATE connection_secrets SET slot = 'current' WHERE connection_id = ? AND slot = 'pending'",
                arguments: [connectionID])
            try db.execute(
                sql: "UPDATE connections SET problem = NULL, updated_at = ? WHERE id = ?",
                arguments: [Date().timeIntervalSince1970, connectionID])
        }
    }

    public func discardPending(connectionID: String) async throws {
        try await database.write { db in
            try db.execute(
                sql: "DELETE FROM connection_secrets WHERE connection_id = ? AND slot = 'pending'",
                arguments: [connectionID])
        }
    }

    public func setProblem(_ problem: LocalizedText?, connectionID: String) async throws {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE connections SET problem = ? WHERE id = ?",
                arguments: [try problem.map(Self.json), connectionID])
        }
    }

    public func keyUsage() async throws -> [String: Int] {
        try await database.read { db in
            var usage: [String: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT key_id, COUNT(*) AS uses FROM connection_secrets GROUP BY key_id")
            {
                usage[row["key_id"]] = row["uses"]
            }
            return usage
        }
    }

    public func secrets(notWrappedBy keyID: String, limit: Int) async throws -> [SecretRecord] {
        try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM connection_secrets WHERE key_id != ?
                    ORDER BY connection_id, field, slot LIMIT ?
                    """, arguments: [keyID, limit]
            ).map(Self.secret)
        }
    }

    public func rewrap(_ changes: [(old: SecretRecord, new: SealedSecret)]) async throws -> Int {
        try await database.write { db in
            var changed = 0
            for (old, new) in changes {
                try db.execute(
                    sql: """
                        UPDATE connection_secrets SET key_id = ?, wrapped_key = ?
                        WHERE connection_id = ? AND field = ? AND slot = ? AND key_id = ? AND wrapped_key = ?
                        """,
                    arguments: [
                        new.keyID, new.wrappedKey, old.connectionID, old.field, old.slot.rawValue, old.sealed.keyID,
                        old.sealed.wrappedKey,
                    ])
                changed += db.changesCount
            }
            return changed
        }
    }

    // MARK: Rows

    private static func write(_ record: SecretRecord, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO connection_secrets (connection_id, field, slot, format_version, key_id, wrapped_key,
                    ciphertext, fingerprint, set_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (connection_id, field, slot) DO UPDATE SET
                    format_version = excluded.format_version, key_id = excluded.key_id,
                    wrapped_key = excluded.wrapped_key, ciphertext = excluded.ciphertext,
                    fingerprint = excluded.fingerprint, set_at = excluded.set_at
                """,
            arguments: [
                record.connectionID, record.field, record.slot.rawValue, Int(record.sealed.formatVersion),
                record.sealed.keyID, record.sealed.wrappedKey, record.sealed.ciphertext, record.fingerprint,
                record.setAt.timeIntervalSince1970,
            ])
    }

    private static func connection(_ row: Row) throws -> Connection {
        let environment: String = row["environment"]
        let markets = try JSONDecoder().decode([String].self, from: Data((row["markets"] as String).utf8))
        let problem = try (row["problem"] as String?).map {
            try JSONDecoder().decode(LocalizedText.self, from: Data($0.utf8))
        }
        return Connection(
            id: row["id"], project: row["project"], provider: row["provider"],
            environment: DeploymentEnvironment(rawValue: environment) ?? .dev, alias: row["alias"],
            markets: markets.compactMap(CountryCode.init(rawValue:)), externalAccountID: row["external_account_id"],
            sandbox: row["sandbox"], baseURL: row["base_url"],
            fields: try JSONDecoder().decode([String: String].self, from: Data((row["fields"] as String).utf8)),
            problem: problem, createdAt: Date(timeIntervalSince1970: row["created_at"]),
            updatedAt: Date(timeIntervalSince1970: row["updated_at"]))
    }

    private static func secret(_ row: Row) throws -> SecretRecord {
        let slot: String = row["slot"]
        let version: Int = row["format_version"]
        return SecretRecord(
            connectionID: row["connection_id"], field: row["field"],
            slot: SecretRecord.Slot(rawValue: slot) ?? .pending,
            sealed: SealedSecret(
                formatVersion: UInt8(clamping: version), keyID: row["key_id"], wrappedKey: row["wrapped_key"],
                ciphertext: row["ciphertext"]),
            fingerprint: row["fingerprint"], setAt: Date(timeIntervalSince1970: row["set_at"]))
    }

    private static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
