import Foundation
import Hummingbird
import SheenApplication
import SheenEngine
import SheenModel
import SheenWebhooks

extension ConsoleAPI {
    func registerEvents(on router: Router<BasicRequestContext>) {
        route(router, .get, "/v1/projects/{project}/events", scope: .read) { call in
            var status: StoredEvent.Status?
            if let text = call.query("status") {
                guard let value = StoredEvent.Status(rawValue: text) else {
                    throw APIFailure.invalid(
                        field: "status",
                        LocalizedText(
                            en: "status is received, processed, failed or dead",
                            ar: "status إحدى: received أو processed أو failed أو dead"))
                }
                status = value
            }
            let rows = try await events.events(
                project: call.projectName, provider: call.query("provider"), status: status, limit: try call.limit())
            return APIResponse.json(.ok, EventJSON.List(events: rows.map(EventJSON.init)), correlation: call.id)
        }
        // Replaying twice queues once: a replay of an event that is not dead or failed changes nothing (409).
        route(router, .post, "/v1/projects/{project}/events/{event}/replay", scope: .write) { call in
            let event = try await storedEvent(call)
            let queued = try await events.replay(event.id)
            try await audit.record(
                .eventReplay, by: call.token.actor, project: call.projectName, target: "event \(event.id)",
                correlationID: call.id)
            guard queued else {
                return APIResponse.error(
                    .conflict, code: "not-replayable",
                    LocalizedText(
                        en: "event \(event.id) is \(event.status.rawValue); only dead or failed events are replayed",
                        ar: "الحدث \(event.id) حالته \(event.status.rawValue)؛ لا يُعاد إلا الحدث الميت أو الفاشل"),
                    correlation: call.id)
            }
            return APIResponse.json(.ok, ["id": event.id, "queued": 1], correlation: call.id)
        }
        // The raw body a provider sent, decrypted: an admin's tool for debugging a handler, and audited as such.
        route(router, .get, "/v1/projects/{project}/events/{event}/body", scope: .admin) { call in
            let event = try await storedEvent(call)
            guard let (_, sealed) = try await events.event(event.id), let sealed else {
                throw APIFailure.notFound(
                    LocalizedText(
                        en: "event \(event.id)'s body was purged after its retention",
                        ar: "حُذف جسم الحدث \(event.id) بعد انقضاء مدة الاحتفاظ"))
            }
            let ingest = WebhookIngestService(
                project: call.projectName, environment: try call.environment(), connections: connections,
                events: events)
            let body = try await ingest.body(of: event, sealed: sealed)
            try await audit.record(
                .eventBodyRead, by: call.token.actor, project: call.projectName, target: "event \(event.id)",
                correlationID: call.id)
            return APIResponse.raw(.ok, body, correlation: call.id, type: "application/octet-stream")
        }
    }

    /// The event `{event}` of the path, if it belongs to `{project}`.
    func storedEvent(_ call: APICall) async throws -> StoredEvent {
        guard let id = Int64(call.parameter("event")), let (event, _) = try await events.event(id),
            event.project == call.projectName
        else { throw ConsoleError.noEvent(Int64(call.parameter("event")) ?? 0) }
        return event
    }
}
