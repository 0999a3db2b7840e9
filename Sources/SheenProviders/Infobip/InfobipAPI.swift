// swift-format-ignore-file: AlwaysUseLowerCamelCase
// Wire types spell fields as Infobip does.

import Foundation
import SheenEngine

/// Infobip's WhatsApp API (research/providers.md §8; shapes from Infobip's official Java client): the account's own
/// base URL, `Authorization: App <key>`, errors as `ApiError` (`errorCode`, `description`, `violations`).
struct InfobipAPI: Sendable {
    let client: ProviderClient
    let sender: String?

    static func open(_ context: StepContext) async throws -> InfobipAPI {
        let credentials = try await context.credentials()
        guard let key = credentials["api_key"] else {
            throw StepFailure(.invalid, message: "the Infobip connection has no api_key")
        }
        // The account's base URL is a connection field; the sandbox's override wins over it.
        let base = try ProviderEndpoint.base(context, credentials: credentials)
        let own = context.credentials.baseURL == nil ? credentials["base_url"] ?? base : base
        let written = credentials["whatsapp_sender"] ?? context.inputs["senders.whatsapp"]
        return InfobipAPI(
            client: ProviderClient(
                provider: "infobip", base: own, authorization: .scheme("App", key), readError: Self.readError),
            sender: written.map { $0.filter(\.isNumber) })
    }

    struct ApiError: Decodable {
        struct Violation: Decodable {
            var property: String?
            var violation: String?
        }
        var errorCode: String?
        var description: String?
        var violations: [Violation]?
    }

    static func readError(_ response: ProviderResponse) -> String? {
        guard let body = try? JSONDecoder().decode(ApiError.self, from: response.body), body.description != nil else {
            return nil
        }
        let details = (body.violations ?? []).map { "\($0.property ?? "?") \($0.violation ?? "")" }
        return ([body.description ?? "error"] + details).joined(separator: "; ") + " (\(body.errorCode ?? "?"))"
    }

    func requireSender() throws(StepFailure) -> String {
        guard let sender, !sender.isEmpty else {
            throw StepFailure(
                .invalid,
                message:
                    "no WhatsApp sender: reconnect Infobip with --field whatsapp_sender=NUMBER, or set senders.whatsapp"
            )
        }
        return sender
    }

    func templates() async throws(StepFailure) -> [InfobipTemplate] {
        let sender = try requireSender()
        struct Page: Decodable { var templates: [InfobipTemplate]? }
        return try await client.send(ProviderRequest(.get, "/whatsapp/2/senders/\(sender)/templates"))
            .decode(Page.self, provider: "infobip").templates ?? []
    }

    func submit(_ body: [String: any Sendable]) async throws(StepFailure) -> InfobipTemplate {
        let sender = try requireSender()
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        return try await client.send(
            ProviderRequest(.post, "/whatsapp/2/senders/\(sender)/templates", body: .json(data))
        ).decode(InfobipTemplate.self, provider: "infobip")
    }

    func senderStatus() async throws(StepFailure) -> String? {
        let sender = try requireSender()
        struct Quality: Decodable {
            struct Result: Decodable {
                var sender: String?
                var status: String?
            }
            var results: [Result]?
        }
        let quality = try await client.send(
            ProviderRequest(.get, "/whatsapp/1/senders/quality", query: [("senders", sender)])
        ).decode(Quality.self, provider: "infobip")
        return quality.results?.first { $0.sender == sender }?.status
    }
}

struct InfobipTemplate: Decodable {
    var id: String
    var name: String
    var language: String
    var status: String
}
