import Foundation
import SheenEngine

/// Vercel's REST API: a Bearer access token, `?teamId=` on every call for a team's resources, JSON bodies, errors as
/// `{"error": {"code", "message"}}`.
struct VercelAPI: Sendable {
    let client: ProviderClient
    let team: String?

    static func open(_ context: StepContext) async throws -> VercelAPI {
        let credentials = try await context.credentials()
        guard let token = credentials["token"] else {
            throw StepFailure(.invalid, message: "the Vercel connection has no token")
        }
        return VercelAPI(
            client: ProviderClient(
                provider: "vercel", base: try ProviderEndpoint.base(context, credentials: credentials),
                authorization: .bearer(token), readError: ErrorBody.nested()),
            team: credentials["team_id"].flatMap { $0.isEmpty ? nil : $0 })
    }

    func send(
        _ method: ProviderRequest.Method, _ path: String, _ body: [String: String]? = nil
    )
        async throws(StepFailure) -> ProviderResponse
    {
        let data = body.flatMap { try? JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]) }
        return try await client.send(
            ProviderRequest(
                method, path, query: team.map { [("teamId", $0)] } ?? [], body: data.map { .json($0) } ?? .empty))
    }

    /// `nil` for a 404: the object is not there.
    func find(_ path: String) async throws(StepFailure) -> [String: Any]? {
        do {
            let response = try await send(.get, path)
            return (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any]
        } catch {
            guard case .http(status: 404, _) = error.kind else { throw error }
            return nil
        }
    }

    /// The project's name on Vercel: the Sheen project's, in the characters Vercel allows.
    static func projectName(_ context: StepContext) -> String {
        let name = (context.inputs["project"] ?? "sheen").lowercased().map {
            ($0.isASCII && ($0.isLetter || $0.isNumber)) || "._-".contains($0) ? $0 : "-"
        }
        return String(String(name).prefix(100))
    }
}

/// `vercel.project`: a project named after the Sheen project. The name is unique in the account or team, so
/// `observe` finds a project an interrupted attempt created, and a create that meets a 409 adopts it.
struct VercelProjectRunner: StepRunner {
    func observe(_ context: StepContext) async throws -> StepResult? {
        let name = VercelAPI.projectName(context)
        guard let project = try await VercelAPI.open(context).find("/v9/projects/\(name)") else { return nil }
        return try Self.result(project)
    }

    func create(_ context: StepContext) async throws -> StepResult {
        let api = try await VercelAPI.open(context)
        let name = VercelAPI.projectName(context)
        do {
            let response = try await api.send(.post, "/v11/projects", ["name": name])
            return try Self.result((try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any])
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
        let project = context.externalID ?? VercelAPI.projectName(context)
        try await ProviderEndpoint.deleting {
            _ = try await VercelAPI.open(context).send(.delete, "/v9/projects/\(project)")
        }
    }

    static func result(_ project: [String: Any]?) throws(StepFailure) -> StepResult {
        guard let id = project?["id"] as? String, let name = project?["name"] as? String else {
            throw StepFailure(.invalid, message: "Vercel answered a project without its id and name")
        }
        return StepResult(outputs: ["project_id": id, "project": name], externalID: id)
    }
}

/// `vercel.domain`: attaches the project's domain to the Vercel project and waits, within a budget, for Vercel to
/// verify it. Until the TXT record Vercel asks for is published, the step waits and names it. The domain is keyed by
/// name, so `observe` finds one an interrupted attempt attached.
struct VercelDomainRunner: StepRunner {
    var budget: Duration = .seconds(30)
    var interval: Duration = .seconds(1)

    func observe(_ context: StepContext) async throws -> StepResult? {
        let api = try await VercelAPI.open(context)
        let (project, domain) = try Self.names(context)
        guard try await api.find("/v9/projects/\(project)/domains/\(domain)") != nil else { return nil }
        return try await settle(api: api, project: project, domain: domain, context: context)
    }

    func create(_ context: StepContext) async throws -> StepResult {
        let api = try await VercelAPI.open(context)
        let (project, domain) = try Self.names(context)
        _ = try await api.send(.post, "/v10/projects/\(project)/domains", ["name": domain])
        return try await settle(api: api, project: project, domain: domain, context: context)
    }

    func update(_ context: StepContext) async throws -> StepResult {
        if let found = try await observe(context) { return found }
        return try await create(context)
    }

    /// `sheen destroy` works from the journal, which keeps the outputs but not the inputs.
    func delete(_ context: StepContext) async throws {
        guard let domain = context.externalID ?? context.inputs["domain"] else { return }
        let project = context.previousOutputs["project"] ?? VercelAPI.projectName(context)
        try await ProviderEndpoint.deleting {
            _ = try await VercelAPI.open(context).send(.delete, "/v9/projects/\(project)/domains/\(domain)")
        }
    }

    func settle(api: VercelAPI, project: String, domain: String, context: StepContext) async throws -> StepResult {
        var pending = ""
        let verified = try await Polling.until(context, budget: budget, every: interval) {
            () async throws -> Bool? in
            guard let answer = try await api.find("/v9/projects/\(project)/domains/\(domain)") else {
                throw StepFailure(.invalid, message: "Vercel no longer has \(domain) on project \(project)")
            }
            if answer["verified"] as? Bool == true { return true }
            pending = Self.describe(answer["verification"] as? [[String: Any]] ?? [])
            return nil
        }
        guard verified != nil else {
            throw StepFailure(
                .waiting(
                    next: "publish \(pending.isEmpty ? "the record Vercel asks for" : pending), then run sheen apply"),
                message: "Vercel has not yet verified \(domain) on project \(project)")
        }
        return StepResult(outputs: ["domain": domain, "project": project, "verified": "true"], externalID: domain)
    }

    static func names(_ context: StepContext) throws(StepFailure) -> (project: String, domain: String) {
        guard let domain = context.inputs["domain"], !domain.isEmpty else {
            throw StepFailure(.invalid, message: "no domain to attach to Vercel: set domain in sheen.yaml")
        }
        return (context.previousOutputs["project"] ?? VercelAPI.projectName(context), domain)
    }

    /// Vercel's verification challenges as a person types them into a DNS host: `TYPE name value`.
    static func describe(_ challenges: [[String: Any]]) -> String {
        challenges.compactMap { challenge in
            guard let type = challenge["type"] as? String, let name = challenge["domain"] as? String,
                let value = challenge["value"] as? String
            else { return nil }
            return "\(type) \(name) \(value)"
        }.joined(separator: "; ")
    }
}

/// Vercel's step kinds and their runners.
public enum VercelAdapter {
    public static func register(into runners: inout RunnerRegistry) {
        runners.register(VercelProjectRunner(), for: "vercel.project")
        runners.register(VercelDomainRunner(), for: "vercel.domain")
    }
}
