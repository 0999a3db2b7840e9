// swift-format-ignore-file: AlwaysUseLowerCamelCase
// Wire types spell fields as Tabby does.

import Foundation
import SheenEngine

/// Tabby's wire conventions (research/providers.md §4): Bearer secret key, the account's host by market
/// (`api.tabby.sa` for Saudi merchants), webhooks registered per `X-Merchant-Code`.
struct TabbyAPI: Sendable {
    let client: ProviderClient
    let merchantCode: String

    static func open(_ context: StepContext) async throws -> TabbyAPI {
        let credentials = try await context.credentials()
        guard let key = credentials["secret_key"], let code = credentials["merchant_code"] else {
            throw StepFailure(.invalid, message: "the Tabby connection needs secret_key and merchant_code")
        }
        return TabbyAPI(
            client: ProviderClient(
                provider: "tabby", base: try ProviderEndpoint.base(context, credentials: credentials),
                authorization: .bearer(key), readError: Self.readError),
            merchantCode: code)
    }

    /// Tabby's error body is not in its published docs; these are the fields its API is known to send (unconfirmed).
    struct ErrorBody: Decodable {
        var error: String?
        var errorType: String?
    }

    static func readError(_ response: ProviderResponse) -> String? {
        guard let body = try? JSONDecoder().decode(ErrorBody.self, from: response.body), body.error != nil else {
            return nil
        }
        return (body.error ?? "error") + (body.errorType.map { " (\($0))" } ?? "")
    }

    var merchantHeader: [(String, String)] { [("X-Merchant-Code", merchantCode)] }

    func webhooks() async throws(StepFailure) -> [TabbyWebhook] {
        try await client.send(ProviderRequest(.get, "/api/v1/webhooks", headers: merchantHeader))
            .decode([TabbyWebhook].self, provider: "tabby")
    }

    func register(url: String, title: String, value: String) async throws(StepFailure) -> TabbyWebhook {
        let body = try? JSONSerialization.data(
            withJSONObject: ["url": url, "header": ["title": title, "value": value]], options: [.sortedKeys])
        return try await client.send(
            ProviderRequest(.post, "/api/v1/webhooks", headers: merchantHeader, body: .json(body ?? Data()))
        ).decode(TabbyWebhook.self, provider: "tabby")
    }

    func checkout(_ body: [String: any Sendable]) async throws(StepFailure) -> TabbySession {
        let data = try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        return try await client.send(ProviderRequest(.post, "/api/v2/checkout", body: .json(data ?? Data())))
            .decode(TabbySession.self, provider: "tabby")
    }

    func payment(_ id: String) async throws(StepFailure) -> TabbyPayment {
        try await client.send(ProviderRequest(.get, "/api/v2/payments/\(id)")).decode(
            TabbyPayment.self, provider: "tabby")
    }

    /// The most recent payments. The listing's envelope (`payments`) is unconfirmed.
    func payments() async throws(StepFailure) -> [TabbyPayment] {
        struct Page: Decodable { var payments: [TabbyPayment] }
        return try await client.send(ProviderRequest(.get, "/api/v2/payments", query: [("limit", "100")]))
            .decode(Page.self, provider: "tabby").payments
    }

    /// Captures `amount`; Tabby treats a repeated `reference_id` as the same capture.
    func capture(_ id: String, amount: String, reference: String) async throws(StepFailure) -> TabbyPayment {
        let data = try? JSONSerialization.data(
            withJSONObject: ["amount": amount, "reference_id": reference], options: [.sortedKeys])
        return try await client.send(
            ProviderRequest(.post, "/api/v2/payments/\(id)/captures", body: .json(data ?? Data()))
        ).decode(TabbyPayment.self, provider: "tabby")
    }

    func delete(_ id: String) async throws(StepFailure) {
        _ = try await client.send(ProviderRequest(.delete, "/api/v1/webhooks/\(id)", headers: merchantHeader))
    }
}

struct TabbyWebhook: Decodable {
    struct Header: Decodable {
        var title: String
        var value: String
    }
    var id: String
    var url: String
    var is_test: Bool?
    var header: Header?
}
