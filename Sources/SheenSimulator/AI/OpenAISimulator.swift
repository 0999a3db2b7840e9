// swift-format-ignore-file: AlwaysUseLowerCamelCase
// Wire types spell fields as OpenAI does.

import Foundation
import Hummingbird

/// What the OpenAI simulator knows: the completions it made and stored (`store: true`), with their metadata.
public struct OpenAIWorld: SimulatorWorld {
    public struct Completion: Codable, Sendable {
        public var id: String
        public var object = "chat.completion"
        public var created: Int
        public var model: String
        public var choices: [Choice]
        public var usage: Usage
        public var metadata: [String: String]?
        public struct Choice: Codable, Sendable {
            public struct Message: Codable, Sendable {
                public var role = "assistant"
                public var content: String
            }
            public var index = 0
            public var message: Message
            public var finish_reason = "stop"
        }
        public struct Usage: Codable, Sendable {
            public var prompt_tokens: Int
            public var completion_tokens: Int
            public var total_tokens: Int
        }
    }

    public var completions: [String: Completion] = [:]
    public var ledger: [LedgerEntry] = []
    public var counter = 0

    public init() {}
}

/// A local OpenAI API: `GET /v1/models`, `POST /v1/chat/completions` (stored with its metadata when `store` is true)
/// and `GET /v1/chat/completions?metadata[key]=value` (the stored completions), Bearer `sk-…` keys, errors as
/// `{"error": {"message", "type", "param", "code"}}`.
public struct OpenAISimulator: Sendable {
    public static let apiKey = "sk-proj-sheenOpenAISandbox000000000000"
    static let models = ["gpt-4o-mini", "gpt-4o", "o4-mini"]

    public let store: SimulatorStore<OpenAIWorld>
    public let faults: Faults
    public let requests = RequestCounter()
    public let now: @Sendable () -> Date

    public init(
        stateFile: String? = nil, faults: Faults = Faults(), now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        store = try SimulatorStore(file: stateFile, initial: OpenAIWorld())
        self.faults = faults
        self.now = now
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("v1/models") { request, _ in
            await handle(request) {
                let data: [[String: any Sendable]] = Self.models.map {
                    ["id": $0, "object": "model", "created": 1_715_367_049, "owned_by": "system"]
                }
                return (200, try SimulatorHTTP.json(["object": "list", "data": data]))
            }
        }
        router.post("v1/chat/completions") { request, _ in
            let body = await SimulatorHTTP.body(request)
            return await handle(request) { try await complete(body) }
        }
        router.get("v1/chat/completions") { request, _ in
            // `metadata[sheen_key]=value` filters stored completions by one metadata pair.
            let filters = request.uri.queryParameters.compactMap { pair -> (String, String)? in
                let key = String(pair.key)
                guard key.hasPrefix("metadata["), key.hasSuffix("]") else { return nil }
                return (String(key.dropFirst(9).dropLast()), String(pair.value))
            }
            return await handle(request) {
                let found = await store.read { world in
                    world.completions.values.filter { completion in
                        filters.allSatisfy { completion.metadata?[$0.0] == $0.1 }
                    }.sorted { $0.id < $1.id }
                }
                let data = try found.map { try JSONSerialization.jsonObject(with: SimulatorHTTP.encoded($0)) }
                return (
                    200,
                    try JSONSerialization.data(withJSONObject: ["object": "list", "data": data, "has_more": false])
                )
            }
        }
        return router
    }

    func complete(_ body: Data) async throws -> (Int, Data) {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            throw OpenAIError(
                status: 400, type: "invalid_request_error", code: nil,
                message: "We could not parse the JSON body of your request.")
        }
        guard let model = object["model"] as? String else {
            throw OpenAIError(
                status: 400, type: "invalid_request_error", code: nil, message: "you must provide a model parameter",
                param: "model")
        }
        guard Self.models.contains(model) else {
            throw OpenAIError(
                status: 404, type: "invalid_request_error", code: "model_not_found",
                message: "The model `\(model)` does not exist or you do not have access to it.", param: "model")
        }
        guard let messages = object["messages"] as? [[String: Any]], !messages.isEmpty,
            messages.allSatisfy({ $0["role"] is String && $0["content"] != nil })
        else {
            throw OpenAIError(
                status: 400, type: "invalid_request_error", code: nil,
                message: "'messages' must be a non-empty array of messages with a role and content.", param: "messages")
        }
        let stored = object["store"] as? Bool ?? false
        let metadata = (object["metadata"] as? [String: Any])?.compactMapValues { $0 as? String }
        let date = now()
        let completion = try await store.mutate { world -> OpenAIWorld.Completion in
            world.counter += 1
            let completion = OpenAIWorld.Completion(
                id: "chatcmpl-sheen\(String(format: "%08d", world.counter))", created: Int(date.timeIntervalSince1970),
                model: model, choices: [.init(message: .init(content: "OK"))],
                usage: .init(prompt_tokens: 9, completion_tokens: 1, total_tokens: 10), metadata: metadata)
            if stored { world.completions[completion.id] = completion }
            world.record("completion.created", completion.id, key: metadata?["sheen_key"], at: date)
            return completion
        }
        try await faults.afterCommit(path: "/v1/chat/completions")
        return (200, try SimulatorHTTP.encoded(completion))
    }

    func handle(_ request: Request, _ operation: @Sendable () async throws -> (Int, Data)) async -> Response {
        switch await SimulatorHTTP.prelude(faults, requests) {
        case .rateLimited:
            return OpenAIError(
                status: 429, type: "requests", code: "rate_limit_exceeded", message: "Rate limit reached for requests"
            ).response
        case .dropped: return SimulatorHTTP.dropped()
        case .serverError:
            return OpenAIError(
                status: 500, type: "server_error", code: nil,
                message: "The server had an error while processing your request."
            ).response
        case nil: break
        }
        guard let key = SimulatorHTTP.bearer(request), key == Self.apiKey else {
            return OpenAIError(
                status: 401, type: "invalid_request_error", code: "invalid_api_key",
                message: "Incorrect API key provided."
            ).response
        }
        do {
            let (status, body) = try await operation()
            return SimulatorHTTP.response(status, body)
        } catch let error as OpenAIError {
            return error.response
        } catch is ConnectionDrop {
            return SimulatorHTTP.dropped()
        } catch {
            return OpenAIError(status: 500, type: "server_error", code: nil, message: "The server had an error.")
                .response
        }
    }
}

/// OpenAI's error body: `{"error": {"message", "type", "param", "code"}}`.
struct OpenAIError: Error, Sendable {
    var status: Int
    var type: String
    var code: String?
    var message: String
    var param: String?

    var response: Response {
        let error: [String: any Sendable] = [
            "message": message, "type": type, "param": param ?? NSNull(), "code": code ?? NSNull(),
        ]
        return SimulatorHTTP.response(status, (try? SimulatorHTTP.json(["error": error])) ?? Data())
    }
}
