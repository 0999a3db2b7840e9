// swift-format-ignore-file: AlwaysUseLowerCamelCase
// Wire types spell fields as Clerk does.

import Foundation
import SheenEngine

/// Clerk's Backend API (research/providers.md §13): Bearer secret key, errors as `{"errors": [{"message",
/// "long_message", "code"}]}`.
struct ClerkAPI: Sendable {
    let client: ProviderClient

    static func open(_ context: StepContext) async throws -> ClerkAPI {
        let credentials = try await context.credentials()
        guard let key = credentials["secret_key"] else {
            throw StepFailure(.invalid, message: "the Clerk connection has no secret_key")
        }
        return ClerkAPI(
            client: ProviderClient(
                provider: "clerk", base: try ProviderEndpoint.base(context, credentials: credentials),
                authorization: .bearer(key), readError: Self.readError))
    }

    static func readError(_ response: ProviderResponse) -> String? {
        struct Body: Decodable {
            struct Entry: Decodable {
                var long_message: String?
                var message: String?
                var code: String?
            }
            var errors: [Entry]
        }
        guard let body = try? JSONDecoder().decode(Body.self, from: response.body), !body.errors.isEmpty else {
            return nil
        }
        return body.errors.map { "\($0.long_message ?? $0.message ?? "error") (\($0.code ?? "?"))" }
            .joined(separator: "; ")
    }

    struct Instance: Decodable {
        var id: String
        var environment_type: String?
        var allowed_origins: [String]?
    }

    func instance() async throws(StepFailure) -> Instance {
        try await client.send(ProviderRequest(.get, "/v1/instance")).decode(Instance.self, provider: "clerk")
    }
}

/// `clerk.verify-key`: reading the instance needs a valid secret key; the environment it reports must match.
struct ClerkVerifyKeyRunner: StepRunner {
    func observe(_ context: StepContext) async throws -> StepResult? { try await create(context) }

    func create(_ context: StepContext) async throws -> StepResult {
        let instance = try await ClerkAPI.open(context).instance()
        return StepResult(outputs: ["instance_id": instance.id, "environment": instance.environment_type ?? ""])
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}
}

/// `clerk.allowed-origins`: adds the project's domain (`https://DOMAIN`) to the instance's allowed origins, keeping
/// the others. Setting a list is idempotent, and `observe` finds the origin already there.
struct ClerkAllowedOriginsRunner: StepRunner {
    static func origin(_ context: StepContext) throws(StepFailure) -> String {
        guard let domain = context.inputs["domain"], !domain.isEmpty else {
            throw StepFailure(.invalid, message: "no domain to allow: set domain in sheen.yaml")
        }
        return "https://\(domain)"
    }

    func observe(_ context: StepContext) async throws -> StepResult? {
        let origin = try Self.origin(context)
        let instance = try await ClerkAPI.open(context).instance()
        guard instance.allowed_origins?.contains(origin) == true else { return nil }
        return StepResult(outputs: ["origin": origin], externalID: instance.id)
    }

    func create(_ context: StepContext) async throws -> StepResult {
        let origin = try Self.origin(context)
        let api = try await ClerkAPI.open(context)
        let instance = try await api.instance()
        let origins = (instance.allowed_origins ?? []).filter { $0 != origin } + [origin]
        let data = (try? JSONSerialization.data(withJSONObject: ["allowed_origins": origins])) ?? Data()
        _ = try await api.client.send(ProviderRequest(.patch, "/v1/instance", body: .json(data)))
        return StepResult(outputs: ["origin": origin], externalID: instance.id)
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    /// Removes the origin this step added.
    func delete(_ context: StepContext) async throws {
        guard let origin = try? Self.origin(context) else { return }
        let api = try await ClerkAPI.open(context)
        let origins = (try await api.instance().allowed_origins ?? []).filter { $0 != origin }
        let data = (try? JSONSerialization.data(withJSONObject: ["allowed_origins": origins])) ?? Data()
        _ = try await api.client.send(ProviderRequest(.patch, "/v1/instance", body: .json(data)))
    }
}

/// Clerk's step kinds and their runners.
public enum ClerkAdapter {
    public static func register(into runners: inout RunnerRegistry) {
        runners.register(ClerkVerifyKeyRunner(), for: "clerk.verify-key")
        runners.register(ClerkAllowedOriginsRunner(), for: "clerk.allowed-origins")
    }
}
