import Foundation
import SheenSecrets

/// A verified delivery on its way to the store: who it is for, what it says, and its raw body sealed.
public struct IncomingDelivery: Sendable {
    public var project: String
    /// `provider/alias`
    public var connection: String
    public var event: WebhookEvent
    /// Header fields with credential-bearing ones masked, as JSON.
    public var headers: String
    /// The raw body, sealed under the connection's keys; `nil` where bodies are not kept.
    public var body: SealedSecret?
    public var receivedAt: Date

    public init(
        project: String, connection: String, event: WebhookEvent, headers: String, body: SealedSecret?, receivedAt: Date
    ) {
        self.project = project
        self.connection = connection
        self.event = event
        self.headers = headers
        self.body = body
        self.receivedAt = receivedAt
    }
}

/// A stored event and where it is in processing.
public struct StoredEvent: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// Stored and acknowledged; waiting to be processed.
        case received
        case processed
        /// A processing attempt failed; it is retried at `nextAttemptAt`.
        case failed
        /// Every retry failed: dead-lettered with the last reason, until replayed.
        case dead
    }

    public var id: Int64
    public var project: String
    public var connection: String
    public var event: WebhookEvent
    public var status: Status
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var lastError: String?
    public var receivedAt: Date
    public var processedAt: Date?
    /// Whether the sealed raw body is still kept (it is purged after its TTL; the row stays for deduplication).
    public var hasBody: Bool

    public init(
        id: Int64, project: String, connection: String, event: WebhookEvent, status: Status, attempts: Int,
        nextAttemptAt: Date?, lastError: String?, receivedAt: Date, processedAt: Date?, hasBody: Bool
    ) {
        self.id = id
        self.project = project
        self.connection = connection
        self.event = event
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.receivedAt = receivedAt
        self.processedAt = processedAt
        self.hasBody = hasBody
    }
}

/// What storing a delivery came to: its row, and whether that row was already there (a redelivery).
public struct IngestResult: Sendable, Hashable {
    public var id: Int64
    public var duplicate: Bool

    public init(id: Int64, duplicate: Bool) {
        self.id = id
        self.duplicate = duplicate
    }
}

/// Durable webhook events: deduplicated on (project, connection, dedup key), claimed by one processor at a time,
/// processed at least once and recorded as processed once, retried, dead-lettered and replayed. SQLite and PostgreSQL
/// implement it behind the same contract.
public protocol EventStore: Sendable {
    /// Stores `delivery` unless its dedup key is already stored for its connection, and returns only once the row is
    /// durable: a caller may acknowledge the provider as soon as this returns.
    func ingest(_ delivery: IncomingDelivery) async throws -> IngestResult

    /// Events due for processing at `now` (received, or failed with a retry time that has come), oldest first.
    func due(at now: Date, limit: Int) async throws -> [StoredEvent]

    /// Claims up to `limit` events due at `now` for one processor: none of them is handed to another claim (from any
    /// process sharing the store) until `now + lease`, or until it is marked processed or failed. Several receivers
    /// process a delivery once this way; one that dies mid-event gives it up when the lease runs out. Oldest first.
    func claim(at now: Date, limit: Int, lease: TimeInterval) async throws -> [StoredEvent]

    /// Marks an event processed; `false` when it was not waiting (already processed by someone else).
    func markProcessed(_ id: Int64, at date: Date) async throws -> Bool

    /// Records a failed attempt: retried at `retryAt`, or dead-lettered with `reason` when `retryAt` is `nil`.
    func markFailed(_ id: Int64, reason: String, retryAt: Date?) async throws

    /// The newest `limit` events, narrowed to a project, a provider and a status where given.
    func events(
        project: String?, provider: String?, status: StoredEvent.Status?, limit: Int
    ) async throws
        -> [StoredEvent]

    func event(_ id: Int64) async throws -> (StoredEvent, SealedSecret?)?

    /// Queues a dead (or failed) event again; `false` when it is not dead or failed, so replaying twice processes once.
    func replay(_ id: Int64) async throws -> Bool

    /// Drops sealed bodies received before `bodiesBefore`, and whole finished rows received before `rowsBefore` (kept
    /// at least as long as providers redeliver: 76 hours by default). Returns how many of each.
    func purge(bodiesBefore: Date, rowsBefore: Date) async throws -> (bodies: Int, rows: Int)
}

extension EventStore {
    /// Every project's events, narrowed to a provider and a status where given.
    public func events(provider: String?, status: StoredEvent.Status?, limit: Int) async throws -> [StoredEvent] {
        try await events(project: nil, provider: provider, status: status, limit: limit)
    }
}
