import Foundation
import SheenModel
import SheenWebhooks

/// Stored webhook events for a terminal and for `--json`.
enum EventText {
    static func table(_ events: [StoredEvent], language: Language) -> String {
        guard !events.isEmpty else { return CLIMessage.noEvents(language) }
        let formatter = ISO8601DateFormatter()
        let rows = events.map { event in
            [
                "\(event.id)", event.connection, event.event.type, event.status.rawValue, "\(event.attempts)",
                formatter.string(from: event.receivedAt), event.lastError ?? "",
            ]
        }
        return TextTable(header: Label.eventsHeader.columns(language), rows: rows).rendered
    }

    static func detail(_ event: StoredEvent, language: Language) -> String {
        let formatter = ISO8601DateFormatter()
        var lines = ["#\(event.id) \(event.event.type) (\(event.connection), \(event.status.rawValue))"]
        lines.append("  dedup: \(event.event.dedupKey)")
        if let id = event.event.eventID { lines.append("  event: \(id)") }
        if let object = event.event.objectID {
            lines.append("  object: \(object)" + (event.event.status.map { " \($0)" } ?? ""))
        }
        if let live = event.event.live { lines.append("  mode: \(live ? "live" : "test")") }
        lines.append("  received: \(formatter.string(from: event.receivedAt)), attempts: \(event.attempts)")
        if let processed = event.processedAt { lines.append("  processed: \(formatter.string(from: processed))") }
        if let error = event.lastError { lines.append("  ! \(error)") }
        return lines.joined(separator: "\n")
    }
}
