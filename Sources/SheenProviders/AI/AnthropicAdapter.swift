// swift-format-ignore-file: AlwaysUseLowerCamelCase
// Wire types spell fields as Anthropic does.

import Foundation
import SheenEngine

/// Anthropic's API: `x-api-key` with `anthropic-version: 2023-06-01`, errors as `{"type": "error", "error": {"type",
/// "message"}}`.
struct AnthropicAPI: Sendable {
    let client: ProviderClient

    static let version = "2023-06-01"

    static func open(_ context: StepContext) async throws -> AnthropicAPI {
        let credentials = try await context.credentials()
        guard let key = credentials["api_key"] else {
            throw StepFailure(.invalid, message: "the Anthropic connection has no api_key")
        }
        return AnthropicAPI(
            client: ProviderClient(
                provider: "anthropic", base: try ProviderEndpoint.base(context, credentials: credentials),
                authorization: .header("x-api-key", key), readError: Self.readError))
    }

    static func readError(_ response: ProviderResponse) -> String? {
        struct Body: Decodable {
            struct Detail: Decodable {
                var type: String?
                var message: String?
            }
            var error: Detail?
        }
        guard let error = (try? JSONDecoder().decode(Body.self, from: response.body))?.error,
            let message = error.message
        else { return nil }
        return message + (error.type.map { " (\($0))" } ?? "")
    }

    func send(
        _ method: ProviderRequest.Method, _ path: String, body: Data? = nil
    ) async throws(StepFailure)
        -> ProviderResponse
    {
        try await client.send(
            ProviderRequest(
                method, path, headers: [("anthropic-version", Self.version)], body: body.map { .json($0) } ?? .empty))
    }
}

/// `anthropic.verify-key`: listing models needs a valid key and changes nothing.
struct AnthropicVerifyKeyRunner: StepRunner {
    func observe(_ context: StepContext) async throws -> StepResult? { try await create(context) }

    func create(_ context: StepContext) async throws -> StepResult {
        struct Models: Decodable {
            struct Model: Decodable { var id: String }
            var data: [Model]
        }
        let models = try await AnthropicAPI.open(context).send(.get, "/v1/models")
            .decode(Models.self, provider: "anthropic")
        return StepResult(outputs: ["models": String(models.data.count)])
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}
}

/// `anthropic.test-message`: one message of at most five tokens. Anthropic keeps no record of messages to look up, so
/// an interrupted attempt is sent again: the repeat costs a fraction of a cent and creates nothing that lasts.
struct AnthropicTestMessageRunner: StepRunner {
    static let model = "claude-3-5-haiku-latest"

    func observe(_ context: StepContext) async throws -> StepResult? { nil }

    func create(_ context: StepContext) async throws -> StepResult {
        struct Message: Decodable {
            struct Block: Decodable { var text: String? }
            var id: String
            var model: String
            var content: [Block]
        }
        let body: [String: any Sendable] = [
            "model": Self.model, "max_tokens": 5, "messages": [["role": "user", "content": "Reply with OK."]],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        let message = try await AnthropicAPI.open(context).send(.post, "/v1/messages", body: data)
            .decode(Message.self, provider: "anthropic")
        return StepResult(
            outputs: ["message_id": message.id, "model": message.model, "reply": message.content.first?.text ?? ""],
            externalID: message.id)
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}
}

/// Anthropic's step kinds and their runners.
public enum AnthropicAdapter {
    public static func register(into runners: inout RunnerRegistry) {
        runners.register(AnthropicVerifyKeyRunner(), for: "anthropic.verify-key")
        runners.register(AnthropicTestMessageRunner(), for: "anthropic.test-message")
    }
}
