import Foundation
import SheenEngine

/// An OpenSearch or Elasticsearch cluster at the connection's `endpoint`, with HTTP Basic auth; errors as
/// `{"error": {"type", "reason"}, "status"}`.
struct SearchClusterAPI: Sendable {
    let client: ProviderClient

    static func open(_ context: StepContext) async throws -> SearchClusterAPI {
        let credentials = try await context.credentials()
        guard let user = credentials["username"], let password = credentials["password"] else {
            throw StepFailure(.invalid, message: "the arabic-search connection needs username and password")
        }
        let base =
            try context.credentials.baseURL ?? credentials["endpoint"]
            ?? ProviderEndpoint.base(
                context, credentials: credentials)
        return SearchClusterAPI(
            client: ProviderClient(
                provider: "arabic-search", base: base, authorization: .basic(user: user, password: password),
                readError: ErrorBody.nested(message: "reason", code: "type")))
    }

    func json(
        _ method: ProviderRequest.Method, _ path: String, _ body: [String: Any]? = nil
    )
        async throws(StepFailure) -> [String: Any]
    {
        let data = body.flatMap { try? JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]) }
        let response = try await client.send(ProviderRequest(method, path, body: data.map { .json($0) } ?? .empty))
        return (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] ?? [:]
    }
}

/// `arabic-search.verify-cluster`: the cluster answers its root with a name and a version, and the credentials are
/// accepted.
struct SearchVerifyClusterRunner: StepRunner {
    func observe(_ context: StepContext) async throws -> StepResult? { try await create(context) }

    func create(_ context: StepContext) async throws -> StepResult {
        let root = try await SearchClusterAPI.open(context).json(.get, "/")
        guard let version = root["version"] as? [String: Any], let number = version["number"] as? String else {
            throw StepFailure(
                .invalid,
                message: "the endpoint answered / without a cluster version: is it OpenSearch or Elasticsearch?")
        }
        return StepResult(
            outputs: [
                "cluster": root["cluster_name"] as? String ?? "", "version": number,
                "distribution": version["distribution"] as? String ?? "elasticsearch",
            ])
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}
}

/// `arabic-search.index`: `<project>-search`, whose text fields use the `arabic` analyzer; then the cluster is asked
/// to analyze one of Lucene's own test words (`والحسن` stems to `حسن`), so a cluster whose analyzer is missing or
/// different fails here rather than in production searches. The name is the index's identity: `observe` finds it.
struct SearchIndexRunner: StepRunner {
    static let probe = (text: "والحسن", stem: "حسن")

    static func name(_ context: StepContext) -> String {
        let project = (context.inputs["project"] ?? "sheen").lowercased().map {
            ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" ? $0 : "-"
        }
        return String(project).trimmingCharacters(in: CharacterSet(charactersIn: "-_")) + "-search"
    }

    static var body: [String: Any] {
        [
            "settings": ["analysis": ["analyzer": ["sheen_arabic": ["type": "arabic"]]]],
            "mappings": [
                "properties": [
                    "title": ["type": "text", "analyzer": "sheen_arabic"],
                    "description": ["type": "text", "analyzer": "sheen_arabic"],
                ]
            ],
        ]
    }

    func observe(_ context: StepContext) async throws -> StepResult? {
        let api = try await SearchClusterAPI.open(context)
        do {
            _ = try await api.json(.get, "/\(Self.name(context))")
        } catch {
            guard case .http(status: 404, _) = error.kind else { throw error }
            return nil
        }
        return try await check(api, context: context)
    }

    func create(_ context: StepContext) async throws -> StepResult {
        let api = try await SearchClusterAPI.open(context)
        do {
            _ = try await api.json(.put, "/\(Self.name(context))", Self.body)
        } catch {
            // An index an interrupted attempt made is the one wanted: it is checked like a new one.
            guard error.message.contains("resource_already_exists_exception") else { throw error }
        }
        return try await check(api, context: context)
    }

    func update(_ context: StepContext) async throws -> StepResult {
        if let found = try await observe(context) { return found }
        return try await create(context)
    }

    func delete(_ context: StepContext) async throws {
        let name = context.externalID ?? Self.name(context)
        try await ProviderEndpoint.deleting { _ = try await SearchClusterAPI.open(context).json(.delete, "/\(name)") }
    }

    func check(_ api: SearchClusterAPI, context: StepContext) async throws -> StepResult {
        let name = Self.name(context)
        let analyzed = try await api.json(.post, "/\(name)/_analyze", ["analyzer": "arabic", "text": Self.probe.text])
        let tokens = (analyzed["tokens"] as? [[String: Any]] ?? []).compactMap { $0["token"] as? String }
        guard tokens == [Self.probe.stem] else {
            throw StepFailure(
                .invalid,
                message:
                    "the cluster's arabic analyzer turns \(Self.probe.text) into \(tokens), not [\(Self.probe.stem)]: install or enable Lucene's Arabic analysis"
            )
        }
        return StepResult(outputs: ["index_name": name, "analyzer": "arabic"], externalID: name)
    }
}

/// The search cluster's step kinds and their runners.
public enum SearchClusterAdapter {
    public static func register(into runners: inout RunnerRegistry) {
        runners.register(SearchVerifyClusterRunner(), for: "arabic-search.verify-cluster")
        runners.register(SearchIndexRunner(), for: "arabic-search.index")
    }
}
