// swift-format-ignore-file: AlwaysUseLowerCamelCase

import Foundation
import SheenEngine

/// An audit entry as the API and `sheen audit --json` show it.
public struct AuditJSON: Encodable {
    var id: Int64
    var at: String
    var actor: String
    var action: String
    var project: String?
    var target: String
    var correlation_id: String?

    public init(_ entry: AuditEntry) {
        id = entry.id
        at = ISO8601DateFormatter().string(from: entry.at)
        actor = entry.actor
        action = entry.action.rawValue
        project = entry.project
        target = entry.target
        correlation_id = entry.correlationID
    }

    public struct List: Encodable {
        var entries: [AuditJSON]

        public init(entries: [AuditJSON]) { self.entries = entries }
    }
}
