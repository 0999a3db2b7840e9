// swift-format-ignore-file: AlwaysUseLowerCamelCase
// Wire types spell fields as OpenAI does.

import Foundation
import SheenEngine

/// OpenAI's API: Bearer key, errors as `{"error": {"message", "type", "param", "code"}}`.
struct OpenAIAPI: Sendable {
    let client: ProviderClient

    static func open(_ context: StepContext) async throws -> OpenAIAPI {
        let credentials = try await context.credentials()
        guard let key = credentials["api_key"] else {
            throw StepFailure(.invalid, message: "the OpenAI connection has no api_key")
        }
        return OpenAIAPI(
            client: ProviderClient(
                provider: "openai", base: try ProviderEndpoint.base(context, credentials: credentials),
                authorization: .bearer(key), readError: Self.readError))
    }

    static func readError(_ response: ProviderResponse) -> String? {
        struct Body: Decodable {
            struct Detail: Decodable {
                var message: String?
                var code: String?
            }
            var error: Detail?
        }
        guard let error = (try? JSONDecoder().decode(Body.self, from: response.body))?.error,
            let message = error.message
        else { return nil }
        return message + (error.code.map { " (\($0))" } ?? "")
    }
}

struct OpenAIList<T: Decodable>: Decodable { var data: [T] }

/// `openai.verify-key`: listing models needs a valid key and changes nothing.
struct OpenAIVerifyKeyRunner: StepRunner {
    func observe(_ context: StepContext) async throws -> StepResult? { try await create(context) }

    func create(_ context: StepContext) async throws -> StepResult {
        struct Model: Decodable { var id: String }
        let models = try await OpenAIAPI.open(context).client.send(ProviderRequest(.get, "/v1/models"))
            .decode(OpenAIList<Model>.self, provider: "openai")
        return StepResult(outputs: ["models": String(models.data.count)])
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}
}

/// `openai.test-completion`: one short completion, stored with the step's key as metadata, so `observe` finds a call
/// an interrupted attempt made through the stored-completions listing instead of paying for it twice.
struct OpenAITestCompletionRunner: StepRunner {
    static let model = "gpt-4o-mini"

    struct Completion: Decodable {
        struct Choice: Decodable {
            struct Message: Decodable { var content: String? }
            var message: Message
        }
        var id: String
        var model: String
        var choices: [Choice]
    }

    func observe(_ context: StepContext) async throws -> StepResult? {
        let listed = try await OpenAIAPI.open(context).client.send(
            ProviderRequest(.get, "/v1/chat/completions", query: [("metadata[sheen_key]", context.idempotencyKey)])
        ).decode(OpenAIList<Completion>.self, provider: "openai")
        return listed.data.first.map(Self.result)
    }

    func create(_ context: StepContext) async throws -> StepResult {
        let body: [String: any Sendable] = [
            "model": Self.model, "max_tokens": 5, "store": true,
            "messages": [["role": "user", "content": "Reply with OK."]],
            "metadata": ["sheen_key": context.idempotencyKey, "sheen_step": context.stepID],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        let completion = try await OpenAIAPI.open(context).client.send(
            ProviderRequest(.post, "/v1/chat/completions", body: .json(data))
        ).decode(Completion.self, provider: "openai")
        return Self.result(completion)
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}

    static func result(_ completion: Completion) -> StepResult {
        StepResult(
            outputs: [
                "completion_id": completion.id, "model": completion.model,
                "reply": completion.choices.first?.message.content ?? "",
            ], externalID: completion.id)
    }
}

/// OpenAI's step kinds and their runners.
public enum OpenAIAdapter {
    public static func register(into runners: inout RunnerRegistry) {
        runners.register(OpenAIVerifyKeyRunner(), for: "openai.verify-key")
        runners.register(OpenAITestCompletionRunner(), for: "openai.test-completion")
    }
}
