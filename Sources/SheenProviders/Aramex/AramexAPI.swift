// swift-format-ignore-file: AlwaysUseLowerCamelCase
// Wire types spell fields as Aramex does.

import Foundation
import SheenEngine

/// Aramex's Shipping Services API in its REST-JSON form (research/providers.md §11, community integrations): no auth
/// header, a `ClientInfo` block in every body, and refusals answered 200 with `HasErrors: true` and
/// `Notifications`, which `call` turns into failures.
struct AramexAPI: Sendable {
    let client: ProviderClient
    let clientInfo: [String: String]

    static let service = "/ShippingAPI.V2"

    static func open(_ context: StepContext) async throws -> AramexAPI {
        let credentials = try await context.credentials()
        let fields = [
            ("UserName", "username"), ("Password", "password"), ("AccountNumber", "account_number"),
            ("AccountPin", "account_pin"), ("AccountEntity", "account_entity"),
            ("AccountCountryCode", "account_country_code"),
        ]
        var info = ["Version": "v1.0"]
        for (name, field) in fields {
            guard let value = credentials[field] else {
                throw StepFailure(.invalid, message: "the Aramex connection has no \(field)")
            }
            info[name] = value
        }
        return AramexAPI(
            client: ProviderClient(
                provider: "aramex", base: try ProviderEndpoint.base(context, credentials: credentials),
                authorization: .none, readError: Self.readError),
            clientInfo: info)
    }

    struct Notification: Decodable {
        var Code: String?
        var Message: String?
    }

    struct Envelope: Decodable {
        var HasErrors: Bool?
        var Notifications: [Notification]?
    }

    static func describe(_ notifications: [Notification]) -> String {
        notifications.map { "\($0.Message ?? "error") (\($0.Code ?? "?"))" }.joined(separator: "; ")
    }

    static func readError(_ response: ProviderResponse) -> String? {
        guard let body = try? JSONDecoder().decode(Envelope.self, from: response.body),
            let notifications = body.Notifications, !notifications.isEmpty
        else { return nil }
        return describe(notifications)
    }

    /// Posts `body` (with `ClientInfo`) to the service's `path`; an answer with `HasErrors` is a failure naming
    /// Aramex's notifications.
    func call<T: Decodable>(
        _ path: String, _ body: [String: any Sendable], as type: T.Type
    ) async throws(StepFailure)
        -> T
    {
        var full = body
        full["ClientInfo"] = clientInfo
        let data = (try? JSONSerialization.data(withJSONObject: full, options: [.sortedKeys])) ?? Data()
        let response = try await client.send(ProviderRequest(.post, Self.service + path, body: .json(data)))
        let envelope = try response.decode(Envelope.self, provider: "aramex")
        if envelope.HasErrors == true {
            throw StepFailure(
                .invalid, message: "Aramex refused \(path): \(Self.describe(envelope.Notifications ?? []))")
        }
        return try response.decode(T.self, provider: "aramex")
    }
}

struct AramexRate: Decodable {
    struct Amount: Decodable {
        var CurrencyCode: String?
        var Value: Decimal?
    }
    var TotalAmount: Amount?
}

struct AramexLabel: Decodable {
    var LabelURL: String?
}

struct AramexShipments: Decodable {
    struct Processed: Decodable {
        var ID: String
        var Reference1: String?
        var HasErrors: Bool?
        var Notifications: [AramexAPI.Notification]?
        var ShipmentLabel: AramexLabel?
    }
    var Shipments: [Processed]?
}

struct AramexTracking: Decodable {
    struct Result: Decodable { var Key: String }
    var TrackingResults: [Result]?
}

struct AramexPrinted: Decodable {
    var ShipmentNumber: String?
    var ShipmentLabel: AramexLabel?
}
