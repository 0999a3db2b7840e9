import Foundation
import SheenEngine

/// Azure Resource Manager with the access token the connection's client-credentials grant obtained (the token
/// service adds it as `access_token`); every call names its `api-version`; errors as `{"error": {"code", "message"}}`.
struct AzureAPI: Sendable {
    static let apiVersion = "2022-12-01"

    let client: ProviderClient
    let subscription: String

    static func open(_ context: StepContext) async throws -> AzureAPI {
        let credentials = try await context.credentials()
        guard let token = credentials["access_token"] else {
            throw StepFailure(
                .invalid,
                message: "the Azure connection has no access token: check it with 'sheen connections test azure'")
        }
        guard let subscription = credentials["subscription_id"], !subscription.isEmpty else {
            throw StepFailure(.invalid, message: "the Azure connection has no subscription_id")
        }
        return AzureAPI(
            client: ProviderClient(
                provider: "azure", base: try ProviderEndpoint.base(context, credentials: credentials),
                authorization: .bearer(token), readError: ErrorBody.nested()),
            subscription: subscription)
    }

    func get(_ path: String) async throws(StepFailure) -> [String: Any] {
        let response = try await client.send(
            ProviderRequest(.get, "/subscriptions/\(subscription)" + path, query: [("api-version", Self.apiVersion)]))
        guard let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] else {
            throw StepFailure(
                .invalid, message: "Azure answered \(path.isEmpty ? "the subscription" : path) with no JSON object")
        }
        return object
    }
}

/// `azure.verify-principal`: the service principal's token reads its subscription, which must be `Enabled` (a
/// disabled or warned subscription cannot create resources).
struct AzureVerifyPrincipalRunner: StepRunner {
    func observe(_ context: StepContext) async throws -> StepResult? { try await create(context) }

    func create(_ context: StepContext) async throws -> StepResult {
        let api = try await AzureAPI.open(context)
        let subscription = try await api.get("")
        let state = subscription["state"] as? String ?? "unknown"
        guard state == "Enabled" else {
            throw StepFailure(
                .invalid,
                message:
                    "the Azure subscription \(api.subscription) is \(state): re-enable it in the Azure portal (Subscriptions), or connect another"
            )
        }
        return StepResult(
            outputs: ["subscription": api.subscription, "display_name": subscription["displayName"] as? String ?? ""])
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}
}

/// `azure.select-region`: the first ranked region the subscription lists. UAE Central is granted by request, so a
/// subscription without access does not list it; the step then takes the next one, or waits when residency leaves
/// no other.
struct AzureSelectRegionRunner: StepRunner {
    func observe(_ context: StepContext) async throws -> StepResult? { try await create(context) }

    func create(_ context: StepContext) async throws -> StepResult {
        let api = try await AzureAPI.open(context)
        let listed = Set(
            (try await api.get("/locations")["value"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String })
        return try await RegionChoice.choose(
            context, cloud: "Azure",
            status: { region in
                listed.contains(region)
                    ? .init(usable: true, detail: "listed")
                    : .init(usable: false, detail: "not listed for the subscription")
            },
            enable: { region, _ in
                "ask Microsoft for access to \(region) for subscription \(api.subscription) (Azure portal → Help + support → Region access request)"
            })
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}
}

/// Azure's step kinds and their runners.
public enum AzureAdapter {
    public static func register(into runners: inout RunnerRegistry) {
        runners.register(AzureVerifyPrincipalRunner(), for: "azure.verify-principal")
        runners.register(AzureSelectRegionRunner(), for: "azure.select-region")
    }
}
