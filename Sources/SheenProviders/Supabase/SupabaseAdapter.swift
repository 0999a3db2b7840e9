// swift-format-ignore-file: AlwaysUseLowerCamelCase
// Wire types spell fields as Supabase does.

import Foundation
import SheenEngine
import SheenModel

/// Supabase's Management API: a Bearer personal access token (`sbp_…`), JSON bodies, errors as `{"message"}`.
struct SupabaseAPI: Sendable {
    let client: ProviderClient
    let organization: String
    let password: String?

    static func open(_ context: StepContext) async throws -> SupabaseAPI {
        let credentials = try await context.credentials()
        guard let token = credentials["access_token"], let organization = credentials["organization_id"] else {
            throw StepFailure(.invalid, message: "the Supabase connection needs access_token and organization_id")
        }
        return SupabaseAPI(
            client: ProviderClient(
                provider: "supabase", base: try ProviderEndpoint.base(context, credentials: credentials),
                authorization: .bearer(token),
                readError: { response in
                    ((try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any])?["message"] as? String
                }),
            organization: organization, password: credentials["db_password"])
    }

    struct Project: Decodable {
        var id: String
        var organization_id: String
        var name: String
        var region: String
        var status: String
    }

    func send(
        _ method: ProviderRequest.Method, _ path: String, _ body: [String: String]? = nil
    ) async throws(StepFailure) -> ProviderResponse {
        let data = body.flatMap { try? JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]) }
        return try await client.send(ProviderRequest(method, path, body: data.map { .json($0) } ?? .empty))
    }

    /// The project Sheen made for this Sheen project and environment, found by its name in the organisation.
    func find(_ name: String) async throws -> Project? {
        try await send(.get, "/v1/projects").decode([Project].self, provider: "supabase")
            .first { $0.name == name && $0.organization_id == organization }
    }

    /// Runs SQL on the project's database; the rows as JSON objects.
    func query(_ ref: String, _ sql: String) async throws(StepFailure) -> [[String: Any]] {
        let response = try await send(.post, "/v1/projects/\(ref)/database/query", ["query": sql])
        return (try? JSONSerialization.jsonObject(with: response.body)) as? [[String: Any]] ?? []
    }

    /// `<project>-<environment>`: one Supabase project per environment, as Supabase advises.
    static func projectName(_ context: StepContext) -> String {
        "\(context.inputs["project"] ?? "sheen")-\(context.environment.rawValue)"
    }
}

/// `supabase.project`: creates the environment's project in the first of the planner's ranked regions, with the
/// connection's database password, and waits within a budget until it is `ACTIVE_HEALTHY` (Supabase provisions in
/// minutes; past the budget the step waits and the next apply picks it up). Its name is its identity, so `observe`
/// finds a project an interrupted attempt created. The connection string holds the password, so it is sealed into
/// the connection (`database_url`), never the journal.
struct SupabaseProjectRunner: StepRunner {
    var budget: Duration = .seconds(60)
    var interval: Duration = .seconds(2)

    func observe(_ context: StepContext) async throws -> StepResult? {
        let api = try await SupabaseAPI.open(context)
        guard let project = try await api.find(SupabaseAPI.projectName(context)) else { return nil }
        return try await settle(project, api: api, context: context)
    }

    func create(_ context: StepContext) async throws -> StepResult {
        let api = try await SupabaseAPI.open(context)
        guard let password = api.password, !password.isEmpty else {
            throw StepFailure(
                .invalid,
                message:
                    "the Supabase connection has no db_password for the new project: add one with 'sheen connections rotate supabase --field db_password=@env:VAR'"
            )
        }
        guard let region = context.inputs["regions"]?.split(separator: ",").first.map(String.init) else {
            throw StepFailure(.invalid, message: "the plan gives supabase.project no region; run 'sheen plan' again")
        }
        let response = try await api.send(
            .post, "/v1/projects",
            [
                "name": SupabaseAPI.projectName(context), "organization_id": api.organization, "region": region,
                "db_pass": password,
            ])
        let project = try response.decode(SupabaseAPI.Project.self, provider: "supabase")
        return try await settle(project, api: api, context: context)
    }

    func update(_ context: StepContext) async throws -> StepResult {
        if let found = try await observe(context) { return found }
        return try await create(context)
    }

    func delete(_ context: StepContext) async throws {
        guard let ref = context.externalID else { return }
        try await ProviderEndpoint.deleting {
            _ = try await SupabaseAPI.open(context).send(.delete, "/v1/projects/\(ref)")
        }
    }

    func settle(_ project: SupabaseAPI.Project, api: SupabaseAPI, context: StepContext) async throws -> StepResult {
        var latest = project
        let healthy = try await Polling.until(context, budget: budget, every: interval) {
            () async throws -> SupabaseAPI.Project? in
            if latest.status == "ACTIVE_HEALTHY" { return latest }
            latest = try await api.send(.get, "/v1/projects/\(project.id)").decode(
                SupabaseAPI.Project.self, provider: "supabase")
            return latest.status == "ACTIVE_HEALTHY" ? latest : nil
        }
        guard let healthy else {
            throw StepFailure(
                .waiting(
                    next: "Supabase is still provisioning project \(project.id); run sheen apply in a few minutes"),
                message: "the Supabase project \(project.name) is \(latest.status)")
        }
        if let password = api.password {
            let user = "postgres"
            let encoded = password.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? password
            try await context.credentials.save(
                "database_url", "postgresql://\(user):\(encoded)@db.\(healthy.id).supabase.co:5432/postgres")
        }
        return StepResult(
            outputs: ["project_ref": healthy.id, "region": healthy.region, "status": healthy.status],
            externalID: healthy.id)
    }
}

/// `supabase.arabic-search-config`: installs ``ArabicSearchSQL`` (normaliser, `sheen_arabic` configuration and the
/// two search functions) in the project's database through the Management API's SQL endpoint. The statements are
/// idempotent and `observe` asks the catalogue whether the configuration is there.
struct SupabaseArabicSearchRunner: StepRunner {
    func observe(_ context: StepContext) async throws -> StepResult? {
        let (api, ref) = try await Self.project(context)
        guard !(try await api.query(ref, ArabicSearchSQL.installed)).isEmpty else { return nil }
        return Self.result(ref)
    }

    func create(_ context: StepContext) async throws -> StepResult {
        let (api, ref) = try await Self.project(context)
        _ = try await api.query(ref, ArabicSearchSQL.install)
        return Self.result(ref)
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {
        guard let ref = context.externalID else { return }
        let api = try await SupabaseAPI.open(context)
        try await ProviderEndpoint.deleting { _ = try await api.query(ref, ArabicSearchSQL.uninstall) }
    }

    static func project(_ context: StepContext) async throws -> (SupabaseAPI, String) {
        let api = try await SupabaseAPI.open(context)
        guard let project = try await api.find(SupabaseAPI.projectName(context)) else {
            throw StepFailure(
                .invalid,
                message:
                    "the Supabase project \(SupabaseAPI.projectName(context)) is not there: run sheen apply to create it"
            )
        }
        return (api, project.id)
    }

    static func result(_ ref: String) -> StepResult {
        StepResult(
            outputs: [
                "configuration": ArabicSearchSQL.configuration,
                "usage": "WHERE sheen_arabic_tsvector(column) @@ sheen_arabic_tsquery(:query)",
            ], externalID: ref)
    }
}

/// Supabase's step kinds and their runners.
public enum SupabaseAdapter {
    public static func register(into runners: inout RunnerRegistry) {
        runners.register(SupabaseProjectRunner(), for: "supabase.project")
        runners.register(SupabaseArabicSearchRunner(), for: "supabase.arabic-search-config")
    }
}
