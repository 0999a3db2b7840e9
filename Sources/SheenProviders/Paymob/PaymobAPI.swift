// swift-format-ignore-file: AlwaysUseLowerCamelCase
// Wire types spell fields as Paymob does.

import Foundation
import SheenEngine

/// Paymob's Intention API (research/providers.md §3; the official paymob-node SDK): `Authorization: Token <secret
/// key>`, JSON bodies, amounts in minor units, on the host of the market's account. What the API answers beyond the
/// request's own fields is unconfirmed; `PaymobIntention` reads only what the adapter needs.
struct PaymobAPI: Sendable {
    let client: ProviderClient
    let base: String
    let publicKey: String?

    static func open(_ context: StepContext) async throws -> PaymobAPI {
        let credentials = try await context.credentials()
        guard let key = credentials["secret_key"] else {
            throw StepFailure(.invalid, message: "the Paymob connection has no secret_key")
        }
        let base = try ProviderEndpoint.base(context, credentials: credentials)
        return PaymobAPI(
            client: ProviderClient(
                provider: "paymob", base: base, authorization: .scheme("Token", key), readError: Self.readError),
            base: base, publicKey: credentials["public_key"])
    }

    /// `{"detail": …}`, or each field with its messages.
    static func readError(_ response: ProviderResponse) -> String? {
        guard let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] else {
            return nil
        }
        if let detail = object["detail"] as? String { return detail }
        let fields = object.keys.sorted().map { key in
            "\(key): " + ((object[key] as? [String])?.joined(separator: " ") ?? "\(object[key] ?? "")")
        }
        return fields.isEmpty ? nil : fields.joined(separator: "; ")
    }

    func intentions() async throws(StepFailure) -> [PaymobIntention] {
        try await client.send(ProviderRequest(.get, "/v1/intention/")).decode(
            PaymobIntentionList.self, provider: "paymob"
        )
        .results
    }

    func create(_ body: [String: any Sendable]) async throws(StepFailure) -> PaymobIntention {
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        return try await client.send(ProviderRequest(.post, "/v1/intention/", body: .json(data)))
            .decode(PaymobIntention.self, provider: "paymob")
    }

    /// The unified checkout page a customer pays an intention on (URL shape unconfirmed).
    func checkoutURL(_ intention: PaymobIntention) -> String {
        "\(base)/unifiedcheckout/?publicKey=\(FormEncoding.escape(publicKey ?? ""))&clientSecret=\(FormEncoding.escape(intention.client_secret))"
    }
}

struct PaymobIntention: Decodable {
    var id: String
    var client_secret: String
    var status: String
    var amount: Int?
    var currency: String?
    var special_reference: String?
}

struct PaymobIntentionList: Decodable {
    var results: [PaymobIntention]
}
