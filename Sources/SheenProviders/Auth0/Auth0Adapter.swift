// swift-format-ignore-file: AlwaysUseLowerCamelCase
// Wire types spell fields as Auth0 does.

import Foundation
import SheenEngine
import SheenModel

/// Auth0's Management API on the tenant's own domain, with the token the connection's client-credentials grant
/// obtained (the token service adds it as `access_token`); errors as `{"statusCode", "error", "message",
/// "errorCode"}`.
struct Auth0API: Sendable {
    let client: ProviderClient
    let clientID: String

    static func open(_ context: StepContext) async throws -> Auth0API {
        let credentials = try await context.credentials()
        guard let token = credentials["access_token"] else {
            throw StepFailure(
                .invalid,
                message: "the Auth0 connection has no access token: check it with 'sheen connections test auth0'")
        }
        guard let domain = credentials["domain"], let clientID = credentials["client_id"] else {
            throw StepFailure(.invalid, message: "the Auth0 connection needs domain and client_id")
        }
        return Auth0API(
            client: ProviderClient(
                provider: "auth0", base: context.credentials.baseURL ?? "https://\(domain)",
                authorization: .bearer(token), readError: Self.readError),
            clientID: clientID)
    }

    static func readError(_ response: ProviderResponse) -> String? {
        guard let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any],
            let message = object["message"] as? String
        else { return nil }
        return message + ((object["errorCode"] as? String).map { " (\($0))" } ?? "")
    }

    struct Connection: Decodable {
        var id: String
        var name: String
        var strategy: String
    }

    func connection(named name: String) async throws(StepFailure) -> Connection? {
        try await client.send(ProviderRequest(.get, "/api/v2/connections", query: [("name", name)]))
            .decode([Connection].self, provider: "auth0").first { $0.name == name }
    }
}

/// `auth0.verify-client`: the machine-to-machine application reads itself, which needs a valid token with
/// `read:clients`; a missing scope is named by Auth0's `insufficient_scope`.
struct Auth0VerifyClientRunner: StepRunner {
    func observe(_ context: StepContext) async throws -> StepResult? { try await create(context) }

    func create(_ context: StepContext) async throws -> StepResult {
        let api = try await Auth0API.open(context)
        let answer = try await api.client.send(
            ProviderRequest(
                .get, "/api/v2/clients/\(api.clientID)",
                query: [("fields", "client_id,name,app_type"), ("include_fields", "true")]))
        struct Client: Decodable {
            var client_id: String
            var name: String?
            var app_type: String?
        }
        let client = try answer.decode(Client.self, provider: "auth0")
        return StepResult(outputs: ["client_id": client.client_id, "app_type": client.app_type ?? ""])
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}
}

/// `auth0.sso-connection`: an enterprise SAML connection, `<project>-sso`, reading the customer's identity provider
/// from its metadata URL (`sso.metadata_url` in `sheen.yaml`), with the project's domain as its home-realm alias so
/// users of that domain are sent to it, enabled for the connection's application. Its name is its identity:
/// `observe` finds it, a 409 is adopted, and `sheen destroy` deletes it.
struct Auth0SSOConnectionRunner: StepRunner {
    static func name(_ context: StepContext) -> String {
        let base = (context.inputs["project"] ?? "sheen").map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" }
        let collapsed = String(base).split(separator: "-").joined(separator: "-")
        return String((collapsed.isEmpty ? "sheen" : collapsed).prefix(120)) + "-sso"
    }

    func observe(_ context: StepContext) async throws -> StepResult? {
        let api = try await Auth0API.open(context)
        return try await api.connection(named: Self.name(context)).map(Self.result)
    }

    func create(_ context: StepContext) async throws -> StepResult {
        guard let metadata = context.inputs[LaunchSettings.Key.ssoMetadataURL.rawValue], !metadata.isEmpty else {
            throw StepFailure(
                .invalid,
                message:
                    "no identity provider for the SSO connection: set sso.metadata_url in sheen.yaml to the customer's SAML metadata URL"
            )
        }
        let api = try await Auth0API.open(context)
        var options: [String: Any] = ["metadataUrl": metadata]
        if let domain = context.inputs["domain"], !domain.isEmpty { options["domain_aliases"] = [domain] }
        let body: [String: Any] = [
            "name": Self.name(context), "strategy": "samlp", "options": options, "enabled_clients": [api.clientID],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        do {
            let made = try await api.client.send(ProviderRequest(.post, "/api/v2/connections", body: .json(data)))
            return Self.result(try made.decode(Auth0API.Connection.self, provider: "auth0"))
        } catch {
            guard case .http(status: 409, _) = error.kind, let found = try await observe(context) else { throw error }
            return found
        }
    }

    func update(_ context: StepContext) async throws -> StepResult {
        if let found = try await observe(context) { return found }
        return try await create(context)
    }

    func delete(_ context: StepContext) async throws {
        guard let id = context.externalID else { return }
        try await ProviderEndpoint.deleting {
            _ = try await Auth0API.open(context).client.send(ProviderRequest(.delete, "/api/v2/connections/\(id)"))
        }
    }

    static func result(_ connection: Auth0API.Connection) -> StepResult {
        StepResult(
            outputs: ["connection_id": connection.id, "connection": connection.name, "strategy": connection.strategy],
            externalID: connection.id)
    }
}

/// Auth0's step kinds and their runners.
public enum Auth0Adapter {
    public static func register(into runners: inout RunnerRegistry) {
        runners.register(Auth0VerifyClientRunner(), for: "auth0.verify-client")
        runners.register(Auth0SSOConnectionRunner(), for: "auth0.sso-connection")
    }
}
