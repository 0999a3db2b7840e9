import Foundation
import Hummingbird
import SheenApplication
import SheenEngine
import SheenModel
import Synchronization

extension ConsoleAPI {
    func registerLaunches(on router: Router<BasicRequestContext>) {
        // Retrying with the same Idempotency-Key and body answers the same launch (200, Idempotent-Replayed: true);
        // the same key with another body is refused with 409.
        route(router, .post, "/v1/projects/{project}/launches", scope: .write) { call in
            let body = try await call.decode(LaunchRequest.self)
            let key = call.request.headers[APIResponse.idempotencyHeader]
            switch try await startLaunch(call.projectName, body, key: key, by: call.token.actor) {
            case .created(let launch):
                var response = APIResponse.raw(.accepted, Self.launchJSON(launch), correlation: call.id)
                response.headers[.location] = "/v1/projects/\(launch.project)/launches/\(launch.id)"
                return response
            case .replayed(let launch):
                let current = try await launches.launch(launch.id, project: call.projectName)
                var response = APIResponse.raw(.ok, Self.launchJSON(current), correlation: call.id)
                response.headers[APIResponse.replayedHeader] = "true"
                response.headers[.location] = "/v1/projects/\(launch.project)/launches/\(launch.id)"
                return response
            }
        }
        route(router, .get, "/v1/projects/{project}/launches", scope: .read) { call in
            _ = try await projects.project(call.projectName)
            let list = try await launches.store.launches(project: call.projectName, limit: try call.limit())
            let items = list.map { Self.launchObject($0) }
            let data = try JSONSerialization.data(
                withJSONObject: ["launches": items], options: [.sortedKeys, .withoutEscapingSlashes])
            return APIResponse.raw(.ok, data, correlation: call.id)
        }
        route(router, .get, "/v1/projects/{project}/launches/{launch}", scope: .read) { call in
            let launch = try await launches.launch(try Self.launchID(call), project: call.projectName)
            return APIResponse.raw(.ok, Self.launchJSON(launch), correlation: call.id)
        }
        route(router, .get, "/v1/projects/{project}/launches/{launch}/stream", scope: .read) { call in
            let launch = try await launches.launch(try Self.launchID(call), project: call.projectName)
            let (store, launches, project) = (launches.store, launches, call.projectName)
            let stream = ServerSentEvents(lifetime: limits.streamLifetime)
            return stream.response(after: ServerSentEvents.resumePoint(call.request), correlation: call.id) { after in
                // Read the status before the events: a launch seen finished has written its last event already.
                let finished = try await launches.launch(launch.id, project: project).status.finished
                let events = try await store.launchEvents(launch.id, after: after).map {
                    ServerSentEvents.Event(id: $0.sequence, name: "progress", data: $0.body)
                }
                return (events, finished)
            }
        }
    }

    /// Records a launch (or finds the one its key started) and, when new, runs it in the background: the one way the
    /// API and the dashboard start launches.
    func startLaunch(
        _ project: String, _ request: LaunchRequest, key: String?, by actor: String
    ) async throws(ConsoleError) -> LaunchService.Started {
        let started = try await launches.start(project: project, request: request, idempotencyKey: key, by: actor)
        if case .created(let launch) = started {
            let launches = launches
            runner.run { await launches.run(launch) }
        }
        return started
    }

    static func launchID(_ call: APICall) throws -> Int64 {
        guard let id = Int64(call.parameter("launch")), id > 0 else {
            throw APIFailure.notFound(LocalizedText(en: "no such launch", ar: "لا يوجد إطلاق كهذا"))
        }
        return id
    }

    /// A launch as JSON; its stored summary is embedded as the object it is.
    static func launchObject(_ launch: LaunchRecord) -> [String: Any] {
        let formatter = ISO8601DateFormatter()
        var object: [String: Any] = [
            "id": launch.id, "project": launch.project, "environment": launch.environment.rawValue,
            "sandbox": launch.sandbox, "status": launch.status.rawValue, "created_by": launch.createdBy,
            "created_at": formatter.string(from: launch.createdAt),
            "stream": "/v1/projects/\(launch.project)/launches/\(launch.id)/stream",
        ]
        if let finished = launch.finishedAt { object["finished_at"] = formatter.string(from: finished) }
        if let error = launch.error { object["error"] = error }
        if let summary = launch.summary, let parsed = try? JSONSerialization.jsonObject(with: Data(summary.utf8)) {
            object["summary"] = parsed
        }
        return object
    }

    static func launchJSON(_ launch: LaunchRecord) -> Data {
        (try? JSONSerialization.data(
            withJSONObject: launchObject(launch), options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    }

    /// Checklist changes as they are stored, by any process judging it: an event each time a status moves.
    func checklistStream(project: String, environment: DeploymentEnvironment, correlation: String) -> Response {
        let store = checklist
        let scope = StoreScope(project: project, environment: environment)
        let seen = LastFingerprint()
        return ServerSentEvents(lifetime: limits.streamLifetime).response(after: 0, correlation: correlation) { after in
            let conditions = try await store.conditions(in: scope)
            let fingerprint = conditions.map { "\($0.item)=\($0.status.rawValue)" }.joined(separator: ",")
            guard seen.changed(to: fingerprint) else { return ([], false) }
            let body = ChecklistJSON(project: project, environment: environment, conditions: conditions)
            let data = (try? APIResponse.encoder.encode(body)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            return ([ServerSentEvents.Event(id: after + 1, name: "checklist", data: data)], false)
        }
    }
}

/// The last checklist a stream sent, so it sends only changes.
final class LastFingerprint: Sendable {
    private let value = Mutex<String?>(nil)

    func changed(to fingerprint: String) -> Bool {
        value.withLock { value in
            defer { value = fingerprint }
            return value != fingerprint
        }
    }
}
