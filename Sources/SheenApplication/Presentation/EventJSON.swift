import Foundation
import SheenWebhooks

/// An event as `events --json` and the API show it: never its body.
public struct EventJSON: Encodable {
    var id: Int64
    var connection: String
    var provider: String
    var type: String
    var status: String
    // swift-format-ignore: AlwaysUseLowerCamelCase
    var dedup_key: String
    // swift-format-ignore: AlwaysUseLowerCamelCase
    var event_id: String?
    // swift-format-ignore: AlwaysUseLowerCamelCase
    var object_id: String?
    var attempts: Int
    // swift-format-ignore: AlwaysUseLowerCamelCase
    var last_error: String?
    // swift-format-ignore: AlwaysUseLowerCamelCase
    var received_at: String

    public init(_ event: StoredEvent) {
        id = event.id
        connection = event.connection
        provider = event.event.provider
        type = event.event.type
        status = event.status.rawValue
        dedup_key = event.event.dedupKey
        event_id = event.event.eventID
        object_id = event.event.objectID
        attempts = event.attempts
        last_error = event.lastError
        received_at = ISO8601DateFormatter().string(from: event.receivedAt)
    }

    public struct List: Encodable {
        // swift-format-ignore: AlwaysUseLowerCamelCase
        var format_version = "1.0"
        var events: [EventJSON]

        public init(events: [EventJSON]) { self.events = events }
    }
}
