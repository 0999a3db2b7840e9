import Foundation
import SheenEngine

/// Google Cloud's REST APIs with the access token the connection's service-account grant obtained (the token service
/// adds it as `access_token`): Resource Manager on the manifest's base URL, Compute on its own host; a sandbox
/// connection's base URL stands for both. Errors as `{"error": {"code", "message", "status"}}`.
struct GCPAPI: Sendable {
    static let computeHost = "https://compute.googleapis.com"

    let token: String
    let project: String
    let base: String
    let override: String?

    static func open(_ context: StepContext) async throws -> GCPAPI {
        let credentials = try await context.credentials()
        guard let token = credentials["access_token"] else {
            throw StepFailure(
                .invalid,
                message: "the Google Cloud connection has no access token: check it with 'sheen connections test gcp'")
        }
        guard let project = credentials["project_id"], !project.isEmpty else {
            throw StepFailure(.invalid, message: "the Google Cloud connection has no project_id")
        }
        return GCPAPI(
            token: token, project: project, base: try ProviderEndpoint.base(context, credentials: credentials),
            override: context.credentials.baseURL)
    }

    func get(_ base: String, _ path: String) async throws(StepFailure) -> [String: Any] {
        let client = ProviderClient(
            provider: "gcp", base: base, authorization: .bearer(token), readError: ErrorBody.nested(code: "status"))
        let response = try await client.send(ProviderRequest(.get, path))
        guard let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] else {
            throw StepFailure(.invalid, message: "Google Cloud answered \(path) with no JSON object")
        }
        return object
    }
}

/// `gcp.select-region`: the service account reads its project (which must be `ACTIVE`), then the first ranked region
/// Compute lists for the project and reports `UP`. Dammam (`me-central2`) is sold in the Kingdom through a local
/// reseller, so a project without that arrangement does not list it; the step then takes the next region, or waits
/// when residency leaves no other.
struct GCPSelectRegionRunner: StepRunner {
    func observe(_ context: StepContext) async throws -> StepResult? { try await create(context) }

    func create(_ context: StepContext) async throws -> StepResult {
        let api = try await GCPAPI.open(context)
        let project = try await api.get(api.base, "/v3/projects/\(api.project)")
        let state = project["state"] as? String ?? "unknown"
        guard state == "ACTIVE" else {
            throw StepFailure(
                .invalid,
                message:
                    "the Google Cloud project \(api.project) is \(state): restore it in the console, or connect another"
            )
        }
        let listed = try await api.get(
            api.override ?? GCPAPI.computeHost, "/compute/v1/projects/\(api.project)/regions")
        var status: [String: String] = [:]
        for item in listed["items"] as? [[String: Any]] ?? [] {
            if let name = item["name"] as? String { status[name] = item["status"] as? String ?? "UNKNOWN" }
        }
        var result = try await RegionChoice.choose(
            context, cloud: "Google Cloud",
            status: { region in
                guard let found = status[region] else {
                    return .init(usable: false, detail: "not available to the project")
                }
                return .init(usable: found == "UP", detail: found)
            },
            enable: { region, why in
                why.detail == "not available to the project"
                    ? "ask Google Cloud (or its reseller in the Kingdom, for me-central2) to make \(region) available to project \(api.project)"
                    : "\(region) is \(why.detail.lowercased()) at Google Cloud; wait for it to be UP"
            })
        result.outputs["project"] = api.project
        return result
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}
}

/// Google Cloud's step kinds and their runners.
public enum GCPAdapter {
    public static func register(into runners: inout RunnerRegistry) {
        runners.register(GCPSelectRegionRunner(), for: "gcp.select-region")
    }
}
