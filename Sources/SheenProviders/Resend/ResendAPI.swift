// swift-format-ignore-file: AlwaysUseLowerCamelCase
// Wire types spell fields as Resend does.

import Foundation
import SheenEngine

/// Resend's API (research/providers.md §10; types as the official resend-node SDK has them): Bearer `re_…` key, JSON
/// bodies, errors as `{"statusCode", "message", "name"}`.
struct ResendAPI: Sendable {
    let client: ProviderClient

    static func open(_ context: StepContext) async throws -> ResendAPI {
        let credentials = try await context.credentials()
        guard let key = credentials["api_key"] else {
            throw StepFailure(.invalid, message: "the Resend connection has no api_key")
        }
        return ResendAPI(
            client: ProviderClient(
                provider: "resend", base: try ProviderEndpoint.base(context, credentials: credentials),
                authorization: .bearer(key), readError: Self.readError))
    }

    struct ErrorBody: Decodable {
        var message: String?
        var name: String?
    }

    static func readError(_ response: ProviderResponse) -> String? {
        guard let body = try? JSONDecoder().decode(ErrorBody.self, from: response.body), let message = body.message
        else { return nil }
        return message + (body.name.map { " (\($0))" } ?? "")
    }

    func get<T: Decodable>(_ path: String, as type: T.Type) async throws(StepFailure) -> T {
        try await client.send(ProviderRequest(.get, path)).decode(T.self, provider: "resend")
    }

    func post<T: Decodable>(
        _ path: String, _ body: [String: any Sendable], as type: T.Type
    ) async throws(StepFailure)
        -> T
    {
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        return try await client.send(ProviderRequest(.post, path, body: .json(data))).decode(T.self, provider: "resend")
    }

    func delete(_ path: String) async throws(StepFailure) {
        _ = try await client.send(ProviderRequest(.delete, path))
    }
}

struct ResendList<T: Decodable>: Decodable {
    var data: [T]
}

struct ResendDomain: Decodable {
    struct Record: Decodable {
        var record: String?
        var name: String
        var value: String
        var type: String
        var status: String?
        var priority: Int?
    }
    var id: String
    var name: String
    var status: String
    var region: String?
    var records: [Record]?
}

struct ResendWebhook: Decodable {
    var id: String
    var endpoint: String?
    var signing_secret: String?
}
