// swift-format-ignore-file: AlwaysUseLowerCamelCase
// Wire types spell fields as Anthropic does.

import Foundation
import HTTPTypes
import Hummingbird

/// What the Anthropic simulator knows: the messages it answered (kept only for its ledger: Anthropic stores none).
public struct AnthropicWorld: SimulatorWorld {
    public var ledger: [LedgerEntry] = []
    public var counter = 0

    public init() {}
}

/// A local Anthropic API: `GET /v1/models` and `POST /v1/messages`, `x-api-key` with a required `anthropic-version`
/// header, errors as `{"type": "error", "error": {"type", "message"}}`.
public struct AnthropicSimulator: Sendable {
    public static let apiKey = "sk-ant-sheenAnthropicSandbox00000000000"
    static let models = ["claude-3-5-haiku-latest", "claude-sonnet-4-0", "claude-opus-4-0"]

    public let store: SimulatorStore<AnthropicWorld>
    public let faults: Faults
    public let requests = RequestCounter()
    public let now: @Sendable () -> Date

    public init(
        stateFile: String? = nil, faults: Faults = Faults(), now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        store = try SimulatorStore(file: stateFile, initial: AnthropicWorld())
        self.faults = faults
        self.now = now
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("v1/models") { request, _ in
            await handle(request) {
                let data: [[String: any Sendable]] = Self.models.map {
                    ["id": $0, "type": "model", "display_name": $0, "created_at": "2025-05-22T00:00:00Z"]
                }
                return (200, try SimulatorHTTP.json(["data": data, "has_more": false]))
            }
        }
        router.post("v1/messages") { request, _ in
            let body = await SimulatorHTTP.body(request)
            return await handle(request) { try await message(body) }
        }
        return router
    }

    func message(_ body: Data) async throws -> (Int, Data) {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            throw AnthropicError.invalid("invalid JSON body")
        }
        guard let model = object["model"] as? String else { throw AnthropicError.invalid("model: Field required") }
        guard let maxTokens = object["max_tokens"] as? Int, maxTokens >= 1 else {
            throw AnthropicError.invalid("max_tokens: Field required and at least 1")
        }
        guard Self.models.contains(model) else {
            throw AnthropicError(status: 404, type: "not_found_error", message: "model: \(model)")
        }
        guard let messages = object["messages"] as? [[String: Any]], let first = messages.first,
            first["role"] as? String == "user"
        else { throw AnthropicError.invalid("messages: the first message must use the \"user\" role") }
        let date = now()
        let id = try await store.mutate { world -> String in
            world.counter += 1
            let id = "msg_sheen\(String(format: "%08d", world.counter))"
            world.record("message.created", id, at: date)
            return id
        }
        try await faults.afterCommit(path: "/v1/messages")
        let answer: [String: any Sendable] = [
            "id": id, "type": "message", "role": "assistant", "model": model,
            "content": [["type": "text", "text": "OK"]], "stop_reason": maxTokens <= 1 ? "max_tokens" : "end_turn",
            "stop_sequence": NSNull(), "usage": ["input_tokens": 10, "output_tokens": 1],
        ]
        return (200, try SimulatorHTTP.json(answer))
    }

    func handle(_ request: Request, _ operation: @Sendable () async throws -> (Int, Data)) async -> Response {
        switch await SimulatorHTTP.prelude(faults, requests) {
        case .rateLimited:
            return AnthropicError(
                status: 429, type: "rate_limit_error", message: "Number of requests has exceeded your rate limit"
            ).response
        case .dropped: return SimulatorHTTP.dropped()
        case .serverError: return AnthropicError(status: 529, type: "overloaded_error", message: "Overloaded").response
        case nil: break
        }
        guard let key = HTTPField.Name("x-api-key").flatMap({ request.headers[$0] }), key == Self.apiKey else {
            return AnthropicError(status: 401, type: "authentication_error", message: "invalid x-api-key").response
        }
        guard HTTPField.Name("anthropic-version").flatMap({ request.headers[$0] }) != nil else {
            return AnthropicError.invalid("anthropic-version: header is required").response
        }
        do {
            let (status, body) = try await operation()
            return SimulatorHTTP.response(status, body)
        } catch let error as AnthropicError {
            return error.response
        } catch is ConnectionDrop {
            return SimulatorHTTP.dropped()
        } catch {
            return AnthropicError(status: 500, type: "api_error", message: "Internal server error").response
        }
    }
}

/// Anthropic's error body: `{"type": "error", "error": {"type", "message"}}`.
struct AnthropicError: Error, Sendable {
    var status: Int
    var type: String
    var message: String

    var response: Response {
        let body: [String: any Sendable] = ["type": "error", "error": ["type": type, "message": message]]
        return SimulatorHTTP.response(status, (try? SimulatorHTTP.json(body)) ?? Data())
    }

    static func invalid(_ message: String) -> AnthropicError {
        AnthropicError(status: 400, type: "invalid_request_error", message: message)
    }
}
