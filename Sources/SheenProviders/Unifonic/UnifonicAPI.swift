// swift-format-ignore-file: AlwaysUseLowerCamelCase
// Wire types spell fields as Unifonic does.

import Foundation
import SheenEngine

/// Unifonic's REST API (research/providers.md §7): form bodies with the `AppSid` in them (no auth header),
/// `responseType=JSON`, answers in `{"success", "message", "errorCode", "data"}`. The account and report endpoints
/// are those of Unifonic's community SDKs (unconfirmed in Unifonic's own pages; see `UnifonicWorld`).
struct UnifonicAPI: Sendable {
    let client: ProviderClient
    let appSid: String
    let senderID: String?

    static func open(_ context: StepContext) async throws -> UnifonicAPI {
        let credentials = try await context.credentials()
        guard let app = credentials["app_sid"] else {
            throw StepFailure(.invalid, message: "the Unifonic connection has no app_sid")
        }
        return UnifonicAPI(
            client: ProviderClient(
                provider: "unifonic", base: try ProviderEndpoint.base(context, credentials: credentials),
                authorization: .none, readError: Self.readError),
            appSid: app, senderID: credentials["sender_id"])
    }

    struct Envelope<T: Decodable>: Decodable {
        var success: Bool?
        var message: String?
        var errorCode: String?
        var data: T?
    }

    static func readError(_ response: ProviderResponse) -> String? {
        guard let body = try? JSONDecoder().decode(Envelope<Empty>.self, from: response.body),
            let message = body.message,
            !message.isEmpty
        else { return nil }
        return message + (body.errorCode.map { " (\($0))" } ?? "")
    }

    struct Empty: Decodable {}

    /// Posts `form` (with the AppSid) to `path` and reads the `data` of a successful answer.
    func call<T: Decodable>(
        _ path: String, _ form: [(String, String)] = [], as type: T.Type
    ) async throws(StepFailure) -> T {
        let response = try await client.send(
            ProviderRequest(.post, path, body: .form([("AppSid", appSid)] + form + [("responseType", "JSON")])))
        let envelope = try response.decode(Envelope<T>.self, provider: "unifonic")
        guard envelope.success != false, let data = envelope.data else {
            throw StepFailure(
                .invalid,
                message:
                    "Unifonic refused \(path): \(envelope.message ?? "no reason given") (\(envelope.errorCode ?? "?"))")
        }
        return data
    }
}

struct UnifonicBalance: Decodable {
    var Balance: String?
    var CurrencyCode: String?
}

struct UnifonicSenderStatus: Decodable {
    var SenderID: String?
    var Status: String
}

struct UnifonicMessage: Decodable {
    var MessageID: Int
    var Status: String?
    var Body: String?
    var Recipient: String?
}

struct UnifonicReport: Decodable {
    var messages: [UnifonicMessage]?
}
