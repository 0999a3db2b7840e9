import Foundation
import SheenModel

/// What the HTTP API and the dashboard keep beside the journal: projects created through the API, access tokens
/// (their hashes only), the audit log, and launches with their idempotency keys and progress. SQLite and PostgreSQL
/// implement it behind one contract (`ConsoleStoreContract`).
public protocol ConsoleStore: Sendable {
    /// Stores `project` unless one by that name exists; `false` when it does.
    func createProject(_ project: ProjectRecord) async throws -> Bool
    func project(named name: String) async throws -> ProjectRecord?
    func projects() async throws -> [ProjectRecord]

    /// Stores a token by the SHA-256 of its secret; the secret itself is never stored.
    func saveToken(_ token: AccessToken, secretHash: String) async throws
    /// The live (unrevoked) token whose secret hashes to `secretHash`.
    func token(secretHash: String) async throws -> AccessToken?
    func tokens() async throws -> [AccessToken]
    /// `false` when no live token has that id.
    func revokeToken(id: String, at date: Date) async throws -> Bool

    func appendAudit(_ entry: AuditEntry) async throws
    /// Newest first, narrowed to a project where given.
    func audit(project: String?, limit: Int) async throws -> [AuditEntry]
    /// Drops entries older than `date`; returns how many.
    func purgeAudit(before date: Date) async throws -> Int

    /// Records `launch` unless its project already has a launch with the same idempotency key, in which case that
    /// launch is returned untouched (the caller compares request hashes). Atomic under concurrent callers.
    func createLaunch(_ launch: LaunchRecord) async throws -> LaunchCreation
    func launch(_ id: Int64) async throws -> LaunchRecord?
    /// Newest first.
    func launches(project: String, limit: Int) async throws -> [LaunchRecord]
    /// Sets a launch's status, and its summary or error once it has finished.
    func finishLaunch(
        _ id: Int64, status: LaunchRecord.Status, summary: String?, error: String?, at: Date?)
        async throws
    /// Records that the process running the launch is alive at `date`.
    func touchLaunch(_ id: Int64, at date: Date) async throws
    /// Marks the launch failed with `error` if it is unfinished and its last heartbeat is before `staleBefore`;
    /// `true` for the one caller that did it.
    func abandonLaunch(_ id: Int64, staleBefore: Date, error: String, at date: Date) async throws -> Bool
    /// Appends one progress event (JSON) and returns its sequence number, 1 for the first.
    func appendLaunchEvent(_ launchID: Int64, body: String, at date: Date) async throws -> Int
    /// The launch's events after sequence `after`, oldest first.
    func launchEvents(_ launchID: Int64, after: Int) async throws -> [LaunchEvent]
}

/// A project created through the API: its name and the JSON of its ``ProjectSpec``-like body, kept as text so a new
/// field never needs a migration.
public struct ProjectRecord: Sendable, Hashable {
    public var name: String
    public var body: String
    public var createdAt: Date

    public init(name: String, body: String, createdAt: Date) {
        self.name = name
        self.body = body
        self.createdAt = createdAt
    }
}

/// An API access token as stored: what it may touch, never its secret.
public struct AccessToken: Sendable, Hashable {
    public enum Scope: String, Sendable, Hashable, CaseIterable, Comparable {
        /// GET routes: projects, plans, launches, checklist, connections (never credentials), events.
        case read
        /// Creating projects, plans, launches and preflight runs; connecting providers; replaying events.
        case write
        /// The audit log and raw webhook bodies.
        case admin

        public static func < (lhs: Scope, rhs: Scope) -> Bool {
            allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
        }
    }

    /// The public part (`tok_…`): shown in lists and the audit log; the secret is never derivable from it.
    public var id: String
    public var name: String
    /// The projects it may touch; `["*"]` for every project.
    public var projects: [String]
    public var scopes: Set<Scope>
    public var createdAt: Date
    public var revokedAt: Date?

    public init(
        id: String, name: String, projects: [String], scopes: Set<Scope>, createdAt: Date, revokedAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.projects = projects
        self.scopes = scopes
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }

    public static let everyProject = "*"

    public func allows(project: String) -> Bool {
        projects.contains(Self.everyProject) || projects.contains(project)
    }

    /// What the audit log names as the actor.
    public var actor: String { "token:\(id) (\(name))" }
}

/// One line of the audit log: who did what to which thing, when, and under which request.
public struct AuditEntry: Sendable, Hashable {
    public enum Action: String, Sendable, Hashable, CaseIterable {
        case credentialRead = "credential.read"
        case credentialWrite = "credential.write"
        case credentialDelete = "credential.delete"
        case eventReplay = "event.replay"
        case eventBodyRead = "event.body.read"
        case tokenCreate = "token.create"
        case tokenRevoke = "token.revoke"
    }

    public var id: Int64
    public var at: Date
    public var actor: String
    public var action: Action
    public var project: String?
    public var target: String
    public var correlationID: String?

    public init(
        id: Int64 = 0, at: Date, actor: String, action: Action, project: String?, target: String,
        correlationID: String? = nil
    ) {
        self.id = id
        self.at = at
        self.actor = actor
        self.action = action
        self.project = project
        self.target = target
        self.correlationID = correlationID
    }
}

/// A launch started through the API: `sheen up` for one project, run by the server in the background.
public struct LaunchRecord: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, CaseIterable {
        case queued, running, succeeded, failed

        public var finished: Bool { self == .succeeded || self == .failed }
    }

    public var id: Int64
    public var project: String
    public var environment: DeploymentEnvironment
    public var sandbox: Bool
    public var status: Status
    public var idempotencyKey: String?
    /// SHA-256 of the request's canonical body: the same key with another body is refused.
    public var requestHash: String
    public var createdBy: String
    public var createdAt: Date
    public var finishedAt: Date?
    /// When the process running it last said it was alive; a launch unfinished long after is an orphan.
    public var heartbeatAt: Date
    /// The finished launch's summary, as JSON.
    public var summary: String?
    public var error: String?

    public init(
        id: Int64 = 0, project: String, environment: DeploymentEnvironment, sandbox: Bool, status: Status = .queued,
        idempotencyKey: String?, requestHash: String, createdBy: String, createdAt: Date, finishedAt: Date? = nil,
        heartbeatAt: Date? = nil, summary: String? = nil, error: String? = nil
    ) {
        self.heartbeatAt = heartbeatAt ?? createdAt
        self.id = id
        self.project = project
        self.environment = environment
        self.sandbox = sandbox
        self.status = status
        self.idempotencyKey = idempotencyKey
        self.requestHash = requestHash
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.finishedAt = finishedAt
        self.summary = summary
        self.error = error
    }
}

public enum LaunchCreation: Sendable, Hashable {
    case created(LaunchRecord)
    /// The project already had a launch under this idempotency key.
    case existing(LaunchRecord)
}

/// One progress event of a launch, numbered from 1 so a client can resume after the last it saw.
public struct LaunchEvent: Sendable, Hashable {
    public var launchID: Int64
    public var sequence: Int
    public var at: Date
    public var body: String

    public init(launchID: Int64, sequence: Int, at: Date, body: String) {
        self.launchID = launchID
        self.sequence = sequence
        self.at = at
        self.body = body
    }
}
