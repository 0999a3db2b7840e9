import Foundation
internal import GRDB
import SheenEngine
import SheenModel

extension SQLiteStateStore: ConsoleStore {
    // MARK: Projects

    public func createProject(_ project: ProjectRecord) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                sql: "INSERT INTO api_projects (name, body, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING",
                arguments: [project.name, project.body, project.createdAt.timeIntervalSince1970])
            return db.changesCount > 0
        }
    }

    public func project(named name: String) async throws -> ProjectRecord? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM api_projects WHERE name = ?", arguments: [name]).map(Self.project)
        }
    }

    public func projects() async throws -> [ProjectRecord] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM api_projects ORDER BY name").map(Self.project)
        }
    }

    private static func project(_ row: Row) -> ProjectRecord {
        ProjectRecord(name: row["name"], body: row["body"], createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }

    // MARK: Tokens

    public func saveToken(_ token: AccessToken, secretHash: String) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO api_tokens (id, secret_hash, name, projects, scopes, created_at, revoked_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    token.id, secretHash, token.name, ConsoleSchema.list(token.projects),
                    ConsoleSchema.list(token.scopes.sorted().map(\.rawValue)), token.createdAt.timeIntervalSince1970,
                    token.revokedAt?.timeIntervalSince1970,
                ])
        }
    }

    public func token(secretHash: String) async throws -> AccessToken? {
        try await database.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM api_tokens WHERE secret_hash = ? AND revoked_at IS NULL",
                arguments: [secretHash]
            ).map(Self.token)
        }
    }

    public func tokens() async throws -> [AccessToken] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM api_tokens ORDER BY created_at, id").map(Self.token)
        }
    }

    public func revokeToken(id: String, at date: Date) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                arguments: [date.timeIntervalSince1970, id])
            return db.changesCount > 0
        }
    }

    private static func token(_ row: Row) -> AccessToken {
        AccessToken(
            id: row["id"], name: row["name"], projects: ConsoleSchema.split(row["projects"]),
            scopes: Set(ConsoleSchema.split(row["scopes"]).compactMap(AccessToken.Scope.init(rawValue:))),
            createdAt: Date(timeIntervalSince1970: row["created_at"]),
            revokedAt: (row["revoked_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }

    // MARK: Audit

    public func appendAudit(_ entry: AuditEntry) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO audit_log (at, actor, action, project, target, correlation_id)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    entry.at.timeIntervalSince1970, entry.actor, entry.action.rawValue, entry.project, entry.target,
                    entry.correlationID,
                ])
        }
    }

    public func audit(project: String?, limit: Int) async throws -> [AuditEntry] {
        try await database.read { db in
            let rows =
                if let project {
                    try Row.fetchAll(
                        db, sql: "SELECT * FROM audit_log WHERE project = ? ORDER BY id DESC LIMIT ?",
                        arguments: [project, limit])
                } else {
                    try Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", arguments: [limit])
                }
            return rows.compactMap { row in
                guard let action = AuditEntry.Action(rawValue: row["action"]) else { return nil }
                return AuditEntry(
                    id: row["id"], at: Date(timeIntervalSince1970: row["at"]), actor: row["actor"], action: action,
                    project: row["project"], target: row["target"], correlationID: row["correlation_id"])
            }
        }
    }

    public func purgeAudit(before date: Date) async throws -> Int {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM audit_log WHERE at < ?", arguments: [date.timeIntervalSince1970])
            return db.changesCount
        }
    }

    // MARK: Launches

    public func createLaunch(_ launch: LaunchRecord) async throws -> LaunchCreation {
        try await database.write { db in
            if let key = launch.idempotencyKey,
                let existing = try Row.fetchOne(
                    db, sql: "SELECT * FROM launches WHERE project = ? AND idempotency_key = ?",
                    arguments: [launch.project, key])
            {
                return .existing(Self.launch(existing))
            }
            try db.execute(
                sql: """
                    INSERT INTO launches (project, environment, sandbox, status, idempotency_key, request_hash,
                        created_by, created_at, heartbeat_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    launch.project, launch.environment.rawValue, launch.sandbox, launch.status.rawValue,
                    launch.idempotencyKey, launch.requestHash, launch.createdBy, launch.createdAt.timeIntervalSince1970,
                    launch.heartbeatAt.timeIntervalSince1970,
                ])
            var created = launch
            created.id = db.lastInsertedRowID
            return .created(created)
        }
    }

    public func launch(_ id: Int64) async throws -> LaunchRecord? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM launches WHERE id = ?", arguments: [id]).map(Self.launch)
        }
    }

    public func launches(project: String, limit: Int) async throws -> [LaunchRecord] {
        try await database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM launches WHERE project = ? ORDER BY id DESC LIMIT ?",
                arguments: [project, limit]
            ).map(Self.launch)
        }
    }

    public func finishLaunch(
        _ id: Int64, status: LaunchRecord.Status, summary: String?, error: String?, at: Date?
    ) async throws {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE launches SET status = ?, summary = ?, error = ?, finished_at = ? WHERE id = ?",
                arguments: [status.rawValue, summary, error, at?.timeIntervalSince1970, id])
        }
    }

    public func touchLaunch(_ id: Int64, at date: Date) async throws {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE launches SET heartbeat_at = ? WHERE id = ?", arguments: [date.timeIntervalSince1970, id])
        }
    }

    public func abandonLaunch(_ id: Int64, staleBefore: Date, error: String, at date: Date) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                sql: """
                    UPDATE launches SET status = 'failed', error = ?, finished_at = ?
                    WHERE id = ? AND status IN ('queued', 'running') AND heartbeat_at < ?
                    """,
                arguments: [error, date.timeIntervalSince1970, id, staleBefore.timeIntervalSince1970])
            return db.changesCount > 0
        }
    }

    public func appendLaunchEvent(_ launchID: Int64, body: String, at date: Date) async throws -> Int {
        try await database.write { db in
            let next =
                (try Int.fetchOne(
                    db, sql: "SELECT MAX(sequence) FROM launch_events WHERE launch_id = ?", arguments: [launchID])
                    ?? 0) + 1
            try db.execute(
                sql: "INSERT INTO launch_events (launch_id, sequence, at, body) VALUES (?, ?, ?, ?)",
                arguments: [launchID, next, date.timeIntervalSince1970, body])
            return next
        }
    }

    public func launchEvents(_ launchID: Int64, after: Int) async throws -> [LaunchEvent] {
        try await database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM launch_events WHERE launch_id = ? AND sequence > ? ORDER BY sequence",
                arguments: [launchID, after]
            ).map { row in
                LaunchEvent(
                    launchID: row["launch_id"], sequence: row["sequence"], at: Date(timeIntervalSince1970: row["at"]),
                    body: row["body"])
            }
        }
    }

    private static func launch(_ row: Row) -> LaunchRecord {
        LaunchRecord(
            id: row["id"], project: row["project"],
            environment: DeploymentEnvironment(rawValue: row["environment"]) ?? .dev, sandbox: row["sandbox"],
            status: LaunchRecord.Status(rawValue: row["status"]) ?? .failed, idempotencyKey: row["idempotency_key"],
            requestHash: row["request_hash"], createdBy: row["created_by"],
            createdAt: Date(timeIntervalSince1970: row["created_at"]),
            finishedAt: (row["finished_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
            heartbeatAt: Date(timeIntervalSince1970: row["heartbeat_at"]), summary: row["summary"], error: row["error"])
    }
}
