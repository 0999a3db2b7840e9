// swift-format-ignore-file: AlwaysUseLowerCamelCase
// Wire types spell fields as Stripe does.

import Foundation
import SheenEngine
import SheenModel

/// Stripe's wire conventions (research/providers.md §1): Bearer secret key, form-encoded bodies with `a[b]` keys,
/// `Idempotency-Key` header, errors as `{"error": {"type", "code", "message", "param"}}`.
struct StripeAPI: Sendable {
    let client: ProviderClient

    static func open(_ context: StepContext) async throws -> StripeAPI {
        let credentials = try await context.credentials()
        guard let key = credentials["secret_key"] else {
            throw StepFailure(.invalid, message: "the Stripe connection has no secret_key")
        }
        return StripeAPI(
            client: ProviderClient(
                provider: "stripe", base: try ProviderEndpoint.base(context, credentials: credentials),
                authorization: .bearer(key), idempotencyHeader: "Idempotency-Key", readError: Self.readError))
    }

    struct ErrorBody: Decodable {
        struct Detail: Decodable {
            var type: String?
            var code: String?
            var message: String?
            var param: String?
            var decline_code: String?
        }
        var error: Detail
    }

    static func readError(_ response: ProviderResponse) -> String? {
        guard let body = try? JSONDecoder().decode(ErrorBody.self, from: response.body) else { return nil }
        let detail = body.error
        let code = [detail.code, detail.decline_code, detail.param.map { "param \($0)" }].compactMap(\.self)
        return (detail.message ?? detail.type ?? "error") + (code.isEmpty ? "" : " (\(code.joined(separator: ", ")))")
    }

    func get<T: Decodable>(
        _ path: String, query: [(String, String)] = [], as type: T.Type
    ) async throws(StepFailure) -> T {
        try await client.send(ProviderRequest(.get, path, query: query)).decode(T.self, provider: "stripe")
    }

    func post<T: Decodable>(
        _ path: String, form: [(String, String)], idempotencyKey: String? = nil, as type: T.Type
    ) async throws(StepFailure) -> T {
        try await client.send(ProviderRequest(.post, path, body: .form(form)), idempotencyKey: idempotencyKey)
            .decode(T.self, provider: "stripe")
    }

    func delete(_ path: String) async throws(StepFailure) {
        _ = try await client.send(ProviderRequest(.delete, path))
    }
}

struct StripeList<Item: Decodable>: Decodable {
    var data: [Item]
    var has_more: Bool
}

struct StripeAccount: Decodable {
    var id: String
    var country: String?
    var default_currency: String?
    var charges_enabled: Bool?
}

struct StripeWebhookEndpoint: Decodable {
    var id: String
    var url: String
    var status: String
    var enabled_events: [String]
    /// Only in the answer to the create call.
    var secret: String?
    var metadata: [String: String]?
}

struct StripePaymentIntent: Decodable {
    struct PaymentError: Decodable {
        var code: String?
        var decline_code: String?
        var message: String?
    }
    var id: String
    var status: String
    var amount: Int64
    var currency: String
    var livemode: Bool
    var metadata: [String: String]?
    var last_payment_error: PaymentError?
}
