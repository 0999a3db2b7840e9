// swift-format-ignore-file: AlwaysUseLowerCamelCase
// Wire types spell fields as Tap does.

import Foundation
import SheenEngine

/// Tap's wire conventions (research/providers.md §2): Bearer secret key on one host for test and live, JSON bodies
/// with decimal amounts in major units, the idempotency key in the body (`reference.idempotent`), errors as
/// `{"errors": [{"code", "description"}]}`.
struct TapAPI: Sendable {
    let client: ProviderClient
    let secretKey: String

    static func open(_ context: StepContext) async throws -> TapAPI {
        let credentials = try await context.credentials()
        guard let key = credentials["secret_key"] else {
            throw StepFailure(.invalid, message: "the Tap connection has no secret_key")
        }
        return TapAPI(
            client: ProviderClient(
                provider: "tap", base: try ProviderEndpoint.base(context, credentials: credentials),
                authorization: .bearer(key), readError: Self.readError),
            secretKey: key)
    }

    struct ErrorBody: Decodable {
        struct Entry: Decodable {
            var code: String?
            var description: String?
        }
        var errors: [Entry]
    }

    static func readError(_ response: ProviderResponse) -> String? {
        guard let body = try? JSONDecoder().decode(ErrorBody.self, from: response.body), !body.errors.isEmpty else {
            return nil
        }
        return body.errors.map { "\($0.description ?? "error") (\($0.code ?? "?"))" }.joined(separator: "; ")
    }

    func post<T: Decodable>(
        _ path: String, _ body: [String: any Sendable], as type: T.Type
    ) async throws(StepFailure) -> T {
        let data: Data
        do {
            data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        } catch {
            throw StepFailure(.invalid, message: "the Tap request could not be encoded")
        }
        return try await client.send(ProviderRequest(.post, path, body: .json(data))).decode(T.self, provider: "tap")
    }

    func get<T: Decodable>(_ path: String, as type: T.Type) async throws(StepFailure) -> T {
        try await client.send(ProviderRequest(.get, path)).decode(T.self, provider: "tap")
    }
}

struct TapCharge: Decodable {
    struct Transaction: Decodable { var url: String? }
    struct Outcome: Decodable {
        var code: String?
        var message: String?
    }
    var id: String
    var status: String
    var amount: Decimal
    var currency: String
    var metadata: [String: String]?
    var transaction: Transaction?
    var response: Outcome?
}

struct TapChargeList: Decodable {
    var charges: [TapCharge]
    var has_more: Bool?
}
