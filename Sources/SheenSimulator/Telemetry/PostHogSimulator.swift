// swift-format-ignore-file: AlwaysUseLowerCamelCase
// Wire types spell fields as PostHog does.

import Foundation
import Hummingbird

/// What the PostHog simulator knows: the events captured per project key (research/providers.md §14).
public struct PostHogWorld: SimulatorWorld {
    public struct Event: Codable, Sendable {
        public var uuid: String
        public var event: String
        public var distinct_id: String
        public var properties: [String: String]
        var key: String
    }

    public var events: [String: Event] = [:]
    public var ledger: [LedgerEntry] = []

    public init() {}
}

/// A local PostHog capture endpoint (`POST /i/v0/e/`): the project API key (`phc_…`) in the JSON body, no auth header;
/// a personal key (`phx_…`) is refused as capture refuses it. An event whose `uuid` was already captured is the same
/// event (PostHog deduplicates on it). Unconfirmed, kept here: the refusal bodies and statuses (research found none).
public struct PostHogSimulator: Sendable {
    public static let projectKey = "phc_sheenPostHogSandbox000000000000000000"

    public let store: SimulatorStore<PostHogWorld>
    public let faults: Faults
    public let requests = RequestCounter()
    public let now: @Sendable () -> Date

    public init(
        stateFile: String? = nil, faults: Faults = Faults(), now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        store = try SimulatorStore(file: stateFile, initial: PostHogWorld())
        self.faults = faults
        self.now = now
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("i/v0/e") { request, _ in
            let body = await SimulatorHTTP.body(request)
            switch await SimulatorHTTP.prelude(faults, requests) {
            case .rateLimited: return Self.refusal(429, "rate_limited", "Too many requests")
            case .dropped: return SimulatorHTTP.dropped()
            case .serverError: return Self.refusal(503, "server_error", "Service unavailable")
            case nil: break
            }
            guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
                return Self.refusal(400, "invalid_payload", "Malformed request data")
            }
            guard let key = object["api_key"] as? String, key.hasPrefix("phc_") else {
                return Self.refusal(
                    401, "invalid_api_key",
                    "Project API key invalid. You can find your project API key in PostHog project settings.")
            }
            guard key == Self.projectKey else {
                return Self.refusal(401, "invalid_api_key", "Project API key invalid.")
            }
            guard let event = object["event"] as? String, !event.isEmpty,
                let distinct = object["distinct_id"] as? String, !distinct.isEmpty
            else { return Self.refusal(400, "invalid_payload", "Invalid payload: event and distinct_id are required") }
            let uuid = object["uuid"] as? String ?? UUID().uuidString.lowercased()
            let properties = (object["properties"] as? [String: Any])?.mapValues { "\($0)" } ?? [:]
            let date = now()
            do {
                let fresh = try await store.mutate { world -> Bool in
                    guard world.events[uuid] == nil else { return false }
                    world.events[uuid] = PostHogWorld.Event(
                        uuid: uuid, event: event, distinct_id: distinct, properties: properties, key: key)
                    world.record("event.captured", uuid, key: uuid, at: date)
                    return true
                }
                // A repeated uuid commits nothing, so there is nothing to hold an answer after.
                if fresh { try await faults.afterCommit(path: "/i/v0/e") }
            } catch is ConnectionDrop {
                return SimulatorHTTP.dropped()
            } catch {
                return Self.refusal(503, "server_error", "Service unavailable")
            }
            return SimulatorHTTP.response(200, Data(#"{"status":1}"#.utf8))
        }
        return router
    }

    static func refusal(_ status: Int, _ code: String, _ detail: String) -> Response {
        let body: [String: any Sendable] = ["type": "validation_error", "code": code, "detail": detail]
        return SimulatorHTTP.response(status, (try? SimulatorHTTP.json(body)) ?? Data())
    }
}
