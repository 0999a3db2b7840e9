import Foundation
import PostgresNIO
import SheenEngine
import SheenModel

extension PostgresStore: ConsoleStore {
    // MARK: Projects

    public func createProject(_ project: ProjectRecord) async throws -> Bool {
        try await execute(
            """
            INSERT INTO api_projects (name, body, created_at)
            VALUES (\(project.name), \(project.body), \(project.createdAt.timeIntervalSince1970))
            ON CONFLICT (name) DO NOTHING RETURNING 1
            """) > 0
    }

    public func project(named name: String) async throws -> ProjectRecord? {
        try await rows("SELECT * FROM api_projects WHERE name = \(name)").first.map(Self.project)
    }

    public func projects() async throws -> [ProjectRecord] {
        try await rows("SELECT * FROM api_projects ORDER BY name").map(Self.project)
    }

    private static func project(_ row: PostgresRandomAccessRow) throws -> ProjectRecord {
        ProjectRecord(name: try row.value("name"), body: try row.value("body"), createdAt: try row.date("created_at"))
    }

    // MARK: Tokens

    public func saveToken(_ token: AccessToken, secretHash: String) async throws {
        try await execute(
            """
            INSERT INTO api_tokens (id, secret_hash, name, projects, scopes, created_at, revoked_at)
            VALUES (\(token.id), \(secretHash), \(token.name), \(ConsoleSchema.list(token.projects)),
                \(ConsoleSchema.list(token.scopes.sorted().map(\.rawValue))), \(token.createdAt.timeIntervalSince1970),
                \(token.revokedAt?.timeIntervalSince1970))
            """)
    }

    public func token(secretHash: String) async throws -> AccessToken? {
        try await rows("SELECT * FROM api_tokens WHERE secret_hash = \(secretHash) AND revoked_at IS NULL").first.map(
            Self.token)
    }

    public func tokens() async throws -> [AccessToken] {
        try await rows("SELECT * FROM api_tokens ORDER BY created_at, id").map(Self.token)
    }

    public func revokeToken(id: String, at date: Date) async throws -> Bool {
        try await execute(
            """
            UPDATE api_tokens SET revoked_at = \(date.timeIntervalSince1970)
            WHERE id = \(id) AND revoked_at IS NULL RETURNING 1
            """) > 0
    }

    private static func token(_ row: PostgresRandomAccessRow) throws -> AccessToken {
        AccessToken(
            id: try row.value("id"), name: try row.value("name"),
            projects: ConsoleSchema.split(try row.value("projects")),
            scopes: Set(ConsoleSchema.split(try row.value("scopes")).compactMap(AccessToken.Scope.init(rawValue:))),
            createdAt: try row.date("created_at"), revokedAt: try row.optionalDate("revoked_at"))
    }

    // MARK: Audit

    public func appendAudit(_ entry: AuditEntry) async throws {
        try await execute(
            """
            INSERT INTO audit_log (at, actor, action, project, target, correlation_id)
            VALUES (\(entry.at.timeIntervalSince1970), \(entry.actor), \(entry.action.rawValue), \(entry.project),
                \(entry.target), \(entry.correlationID))
            """)
    }

    public func audit(project: String?, limit: Int) async throws -> [AuditEntry] {
        let rows =
            if let project {
                try await rows(
                    "SELECT * FROM audit_log WHERE project = \(project) ORDER BY id DESC LIMIT \(Int64(limit))")
            } else {
                try await rows("SELECT * FROM audit_log ORDER BY id DESC LIMIT \(Int64(limit))")
            }
        return try rows.compactMap { row in
            guard let action = AuditEntry.Action(rawValue: try row.value("action")) else { return nil }
            return AuditEntry(
                id: try row.value("id"), at: try row.date("at"), actor: try row.value("actor"), action: action,
                project: try row.value("project"), target: try row.value("target"),
                correlationID: try row.value("correlation_id"))
        }
    }

    public func purgeAudit(before date: Date) async throws -> Int {
        try await execute("DELETE FROM audit_log WHERE at < \(date.timeIntervalSince1970) RETURNING 1")
    }

    // MARK: Launches

    public func createLaunch(_ launch: LaunchRecord) async throws -> LaunchCreation {
        // The unique (project, idempotency_key) makes a racing twin insert nothing; it then reads the winner's row.
        let inserted = try await rows(
            """
            INSERT INTO launches (project, environment, sandbox, status, idempotency_key, request_hash, created_by,
                created_at, heartbeat_at)
            VALUES (\(launch.project), \(launch.environment.rawValue), \(launch.sandbox), \(launch.status.rawValue),
                \(launch.idempotencyKey), \(launch.requestHash), \(launch.createdBy),
                \(launch.createdAt.timeIntervalSince1970), \(launch.heartbeatAt.timeIntervalSince1970))
            ON CONFLICT (project, idempotency_key) DO NOTHING
            RETURNING id
            """)
        if let row = inserted.first {
            var created = launch
            created.id = try row.value("id")
            return .created(created)
        }
        let key = launch.idempotencyKey ?? ""
        guard
            let existing = try await rows(
                "SELECT * FROM launches WHERE project = \(launch.project) AND idempotency_key = \(key)"
            ).first
        else { throw StoreOpenError(location: "launches", reason: "an idempotent launch vanished while read") }
        return .existing(try Self.launch(existing))
    }

    public func launch(_ id: Int64) async throws -> LaunchRecord? {
        try await rows("SELECT * FROM launches WHERE id = \(id)").first.map(Self.launch)
    }

    public func launches(project: String, limit: Int) async throws -> [LaunchRecord] {
        try await rows("SELECT * FROM launches WHERE project = \(project) ORDER BY id DESC LIMIT \(Int64(limit))").map(
            Self.launch)
    }

    public func finishLaunch(
        _ id: Int64, status: LaunchRecord.Status, summary: String?, error: String?, at: Date?
    ) async throws {
        try await execute(
            """
            UPDATE launches SET status = \(status.rawValue), summary = \(summary), error = \(error),
                finished_at = \(at?.timeIntervalSince1970)
            WHERE id = \(id)
            """)
    }

    public func touchLaunch(_ id: Int64, at date: Date) async throws {
        try await execute("UPDATE launches SET heartbeat_at = \(date.timeIntervalSince1970) WHERE id = \(id)")
    }

    public func abandonLaunch(_ id: Int64, staleBefore: Date, error: String, at date: Date) async throws -> Bool {
        try await execute(
            """
            UPDATE launches SET status = 'failed', error = \(error), finished_at = \(date.timeIntervalSince1970)
            WHERE id = \(id) AND status IN ('queued', 'running') AND heartbeat_at < \(staleBefore.timeIntervalSince1970)
            RETURNING 1
            """) > 0
    }

    public func appendLaunchEvent(_ launchID: Int64, body: String, at date: Date) async throws -> Int {
        // One writer per launch (the process running it), so MAX + 1 under the primary key cannot collide silently.
        let rows = try await rows(
            """
            INSERT INTO launch_events (launch_id, sequence, at, body)
            SELECT \(launchID), COALESCE(MAX(sequence), 0) + 1, \(date.timeIntervalSince1970), \(body)
            FROM launch_events WHERE launch_id = \(launchID)
            RETURNING sequence
            """)
        return Int(try rows.first?.value("sequence", as: Int64.self) ?? 0)
    }

    public func launchEvents(_ launchID: Int64, after: Int) async throws -> [LaunchEvent] {
        try await rows(
            """
            SELECT * FROM launch_events WHERE launch_id = \(launchID) AND sequence > \(Int64(after))
            ORDER BY sequence
            """
        ).map { row in
            LaunchEvent(
                launchID: try row.value("launch_id"), sequence: Int(try row.value("sequence", as: Int64.self)),
                at: try row.date("at"), body: try row.value("body"))
        }
    }

    private static func launch(_ row: PostgresRandomAccessRow) throws -> LaunchRecord {
        LaunchRecord(
            id: try row.value("id"), project: try row.value("project"),
            environment: DeploymentEnvironment(rawValue: try row.value("environment")) ?? .dev,
            sandbox: try row.value("sandbox"),
            status: LaunchRecord.Status(rawValue: try row.value("status")) ?? .failed,
            idempotencyKey: try row.value("idempotency_key"), requestHash: try row.value("request_hash"),
            createdBy: try row.value("created_by"), createdAt: try row.date("created_at"),
            finishedAt: try row.optionalDate("finished_at"), heartbeatAt: try row.date("heartbeat_at"),
            summary: try row.value("summary"),
            error: try row.value("error"))
    }
}
