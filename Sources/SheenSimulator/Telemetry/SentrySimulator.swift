import Foundation
import Hummingbird

/// What the Sentry simulator knows: the events ingested per project (research/providers.md §15).
public struct SentryWorld: SimulatorWorld {
    public var events: [String: String] = [:]
    public var ledger: [LedgerEntry] = []

    public init() {}
}

/// A local Sentry envelope endpoint: `POST /api/{project_id}/envelope/?sentry_key=…&sentry_version=7` with an
/// envelope body (a JSON header line, then items each with a header line and a payload). An event id already ingested
/// is the same event. Unconfirmed, kept here: the refusal bodies (`{"detail": …}`) and statuses.
public struct SentrySimulator: Sendable {
    public static let publicKey = "0123456789abcdef0123456789abcdef"
    public static let projectID = "4500000000000001"

    public let store: SimulatorStore<SentryWorld>
    public let faults: Faults
    public let requests = RequestCounter()
    public let now: @Sendable () -> Date

    public init(
        stateFile: String? = nil, faults: Faults = Faults(), now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        store = try SimulatorStore(file: stateFile, initial: SentryWorld())
        self.faults = faults
        self.now = now
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("api/:project/envelope") { request, context in
            let project = context.parameters.get("project") ?? ""
            let key = request.uri.queryParameters.get("sentry_key")
            let body = await SimulatorHTTP.body(request)
            switch await SimulatorHTTP.prelude(faults, requests) {
            case .rateLimited: return Self.refusal(429, "Sentry dropped data due to a quota or internal rate limit")
            case .dropped: return SimulatorHTTP.dropped()
            case .serverError: return Self.refusal(503, "Service unavailable")
            case nil: break
            }
            guard key == Self.publicKey else { return Self.refusal(401, "bad sentry DSN public key") }
            guard project == Self.projectID else { return Self.refusal(403, "project id does not match the key") }
            let lines = String(decoding: body, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            guard lines.count >= 3,
                let header = (try? JSONSerialization.jsonObject(with: Data(lines[0].utf8))) as? [String: Any],
                let item = (try? JSONSerialization.jsonObject(with: Data(lines[1].utf8))) as? [String: Any],
                item["type"] is String,
                (try? JSONSerialization.jsonObject(with: Data(lines[2].utf8))) is [String: Any]
            else { return Self.refusal(400, "invalid envelope") }
            guard let id = header["event_id"] as? String, id.count == 32, id.allSatisfy(\.isHexDigit) else {
                return Self.refusal(400, "invalid event_id")
            }
            let date = now()
            do {
                let fresh = try await store.mutate { world -> Bool in
                    guard world.events[id] == nil else { return false }
                    world.events[id] = project
                    world.record("event.ingested", id, key: id, at: date)
                    return true
                }
                // A repeated event id commits nothing, so there is nothing to hold an answer after.
                if fresh { try await faults.afterCommit(path: "/api") }
            } catch is ConnectionDrop {
                return SimulatorHTTP.dropped()
            } catch {
                return Self.refusal(503, "Service unavailable")
            }
            return SimulatorHTTP.response(200, Data(#"{"id":"\#(id)"}"#.utf8))
        }
        return router
    }

    static func refusal(_ status: Int, _ detail: String) -> Response {
        SimulatorHTTP.response(status, (try? SimulatorHTTP.json(["detail": detail])) ?? Data())
    }
}
