import Foundation
import SheenEngine
import SheenModel

/// Who read or changed a credential, replayed an event or read a raw webhook body, and when. Entries are kept for
/// ``retention`` (90 days) and purged by the server's hourly pass and by `sheen audit --purge`.
public struct AuditLog: Sendable {
    public let store: any ConsoleStore
    public let now: @Sendable () -> Date

    /// How long an entry is kept.
    public static let retention: TimeInterval = 90 * 86_400

    public init(store: any ConsoleStore, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.now = now
    }

    public func record(
        _ action: AuditEntry.Action, by actor: String, project: String?, target: String, correlationID: String? = nil
    ) async throws {
        try await store.appendAudit(
            AuditEntry(
                at: now(), actor: actor, action: action, project: project, target: target,
                correlationID: correlationID))
    }

    public func entries(project: String? = nil, limit: Int = 100) async throws -> [AuditEntry] {
        try await store.audit(project: project, limit: limit)
    }

    /// Drops what is older than the retention; returns how many entries went.
    @discardableResult
    public func purge() async throws -> Int {
        try await store.purgeAudit(before: now().addingTimeInterval(-Self.retention))
    }

    /// The actor for commands run on this machine: the operating-system user.
    public static var localActor: String {
        "cli:" + (ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.userName)
    }
}
