import Foundation
import Hummingbird

/// What the search cluster simulator knows: its indices with the settings and mappings they were created with.
public struct SearchClusterWorld: SimulatorWorld {
    public struct Index: Codable, Sendable {
        public var uuid: String
        public var settings: String
        public var mappings: String
    }

    public var indices: [String: Index] = [:]
    public var ledger: [LedgerEntry] = []

    public init() {}
}

/// A local OpenSearch cluster for the calls Sheen makes, with HTTP Basic auth: `GET /` (the cluster's name and
/// version), `PUT|GET|DELETE /{index}`, and `POST /{index}/_analyze` running Lucene's `arabic` analyzer
/// (``LuceneArabic``). Errors in OpenSearch's shape: `{"error": {"root_cause", "type", "reason"}, "status"}`. An index
/// whose settings name an analyzer other than the built-in ones is refused, as a cluster refuses an unknown one.
public struct SearchClusterSimulator: Sendable {
    public static let username = "sheen"
    public static let password = "sheen-sandbox-search-password"
    static let builtIn: Set<String> = ["arabic", "standard", "simple", "whitespace", "keyword"]

    public let store: SimulatorStore<SearchClusterWorld>
    public let faults: Faults
    public let requests = RequestCounter()

    public init(stateFile: String? = nil, faults: Faults = Faults()) throws {
        store = try SimulatorStore(file: stateFile, initial: SearchClusterWorld())
        self.faults = faults
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/") { request, _ in
            await handle(request) {
                (
                    200,
                    try SimulatorHTTP.json([
                        "name": "sheen-sandbox-node", "cluster_name": "sheen-sandbox",
                        "version": ["distribution": "opensearch", "number": "2.17.1"],
                        "tagline": "The OpenSearch Project: https://opensearch.org/",
                    ])
                )
            }
        }
        router.put(":index") { request, context in
            let name = context.parameters.get("index") ?? ""
            let body = await SimulatorHTTP.body(request)
            return await handle(request) {
                try await create(name, body)
                try await faults.afterCommit(path: "/index")
                return (
                    200, try SimulatorHTTP.json(["acknowledged": true, "shards_acknowledged": true, "index": name])
                )
            }
        }
        router.get(":index") { request, context in
            let name = context.parameters.get("index") ?? ""
            return await handle(request) {
                guard let index = await store.read({ $0.indices[name] }) else { throw SearchError.noIndex(name) }
                let settings = (try? JSONSerialization.jsonObject(with: Data(index.settings.utf8))) ?? [:]
                let mappings = (try? JSONSerialization.jsonObject(with: Data(index.mappings.utf8))) ?? [:]
                let body = try JSONSerialization.data(
                    withJSONObject: [
                        name: [
                            "settings": ["index": ["uuid": index.uuid], "analysis": settings], "mappings": mappings,
                        ]
                    ],
                    options: [.sortedKeys])
                return (200, body)
            }
        }
        router.delete(":index") { request, context in
            let name = context.parameters.get("index") ?? ""
            return await handle(request) {
                try await store.mutate { world in
                    guard world.indices.removeValue(forKey: name) != nil else { throw SearchError.noIndex(name) }
                    world.record("index.deleted", name, at: Date())
                }
                return (200, try SimulatorHTTP.json(["acknowledged": true]))
            }
        }
        router.post(":index/_analyze") { request, context in
            let name = context.parameters.get("index") ?? ""
            let body = await SimulatorHTTP.body(request)
            return await handle(request) {
                guard await store.read({ $0.indices[name] }) != nil else { throw SearchError.noIndex(name) }
                let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
                guard let text = object["text"] as? String else {
                    throw SearchError(
                        status: 400, type: "action_request_validation_exception",
                        reason: "Validation Failed: 1: text is missing;")
                }
                let analyzer = object["analyzer"] as? String ?? "standard"
                guard analyzer == "arabic" else {
                    throw SearchError(
                        status: 400, type: "illegal_argument_exception",
                        reason: "the sandbox cluster analyzes with [arabic] only, not [\(analyzer)]")
                }
                let tokens: [[String: any Sendable]] = LuceneArabic.analyze(text).enumerated().map {
                    ["token": $0.element, "type": "<ALPHANUM>", "position": $0.offset]
                }
                return (200, try SimulatorHTTP.json(["tokens": tokens]))
            }
        }
        return router
    }

    func create(_ name: String, _ body: Data) async throws {
        guard !name.isEmpty, name == name.lowercased(), !name.hasPrefix("_"), !name.hasPrefix("-"),
            !name.contains(where: { " \"*\\<|,>/?#:".contains($0) })
        else {
            throw SearchError(
                status: 400, type: "invalid_index_name_exception",
                reason:
                    "Invalid index name [\(name)], must be lowercase and must not contain the characters [ \", *, \\, <, |, ,, >, /, ?]"
            )
        }
        let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        let analysis = ((object["settings"] as? [String: Any])?["analysis"] as? [String: Any]) ?? [:]
        for (analyzerName, definition) in analysis["analyzer"] as? [String: Any] ?? [:] {
            let type = (definition as? [String: Any])?["type"] as? String ?? ""
            guard Self.builtIn.contains(type) else {
                throw SearchError(
                    status: 400, type: "illegal_argument_exception",
                    reason: "Unknown analyzer type [\(type)] for [\(analyzerName)]")
            }
        }
        let mappings = object["mappings"] ?? [:]
        let encoded = (
            String(
                decoding: try JSONSerialization.data(withJSONObject: analysis, options: [.sortedKeys]), as: UTF8.self),
            String(
                decoding: try JSONSerialization.data(withJSONObject: mappings, options: [.sortedKeys]), as: UTF8.self)
        )
        try await store.mutate { world in
            guard world.indices[name] == nil else {
                throw SearchError(
                    status: 400, type: "resource_already_exists_exception",
                    reason: "index [\(name)/\(world.indices[name]?.uuid ?? "")] already exists")
            }
            world.indices[name] = .init(uuid: SimulatorHTTP.token(22), settings: encoded.0, mappings: encoded.1)
            world.record("index.created", name, at: Date())
        }
    }

    func handle(_ request: Request, _ operation: @Sendable () async throws -> (Int, Data)) async -> Response {
        switch await SimulatorHTTP.prelude(faults, requests) {
        case .rateLimited:
            return SearchError(
                status: 429, type: "es_rejected_execution_exception", reason: "rejected execution: too many requests"
            ).response
        case .dropped: return SimulatorHTTP.dropped()
        case .serverError:
            return SearchError(
                status: 503, type: "cluster_block_exception",
                reason: "blocked by: [SERVICE_UNAVAILABLE/1/state not recovered / initialized];"
            ).response
        case nil: break
        }
        let expected = "Basic " + Data("\(Self.username):\(Self.password)".utf8).base64EncodedString()
        guard request.headers[.authorization] == expected else {
            return SearchError(status: 401, type: "security_exception", reason: "Unauthorized").response
        }
        do {
            let (status, body) = try await operation()
            return SimulatorHTTP.response(status, body)
        } catch let error as SearchError {
            return error.response
        } catch is ConnectionDrop {
            return SimulatorHTTP.dropped()
        } catch {
            return SearchError(status: 500, type: "exception", reason: "internal error").response
        }
    }
}

/// OpenSearch's error body.
struct SearchError: Error, Sendable {
    var status: Int
    var type: String
    var reason: String

    static func noIndex(_ name: String) -> SearchError {
        SearchError(status: 404, type: "index_not_found_exception", reason: "no such index [\(name)]")
    }

    var response: Response {
        let cause: [String: any Sendable] = ["type": type, "reason": reason]
        let error: [String: any Sendable] = ["root_cause": [cause], "type": type, "reason": reason]
        return SimulatorHTTP.response(status, (try? SimulatorHTTP.json(["error": error, "status": status])) ?? Data())
    }
}
