// swift-format-ignore-file: AlwaysUseLowerCamelCase
// Wire types spell fields as Twilio does.

import Foundation
import SheenEngine
import SheenModel

/// Twilio's REST API (research/providers.md §9): HTTP Basic with the account SID and auth token, form bodies, paths
/// under `/2010-04-01/Accounts/{AccountSid}`, errors as `{code, message, more_info, status}`.
struct TwilioAPI: Sendable {
    let client: ProviderClient
    let account: String
    let sender: String?

    static func open(_ context: StepContext) async throws -> TwilioAPI {
        let credentials = try await context.credentials()
        guard let sid = credentials["account_sid"], let token = credentials["auth_token"] else {
            throw StepFailure(.invalid, message: "the Twilio connection needs account_sid and auth_token")
        }
        return TwilioAPI(
            client: ProviderClient(
                provider: "twilio", base: try ProviderEndpoint.base(context, credentials: credentials),
                authorization: .basic(user: sid, password: token), readError: Self.readError),
            account: sid, sender: credentials["sender"] ?? context.inputs[LaunchSettings.Key.smsSender.rawValue])
    }

    struct ErrorBody: Decodable {
        var code: Int?
        var message: String?
    }

    static func readError(_ response: ProviderResponse) -> String? {
        guard let body = try? JSONDecoder().decode(ErrorBody.self, from: response.body), let message = body.message
        else { return nil }
        return message + (body.code.map { " (\($0))" } ?? "")
    }

    var root: String { "/2010-04-01/Accounts/\(account)" }

    func get<T: Decodable>(
        _ path: String, query: [(String, String)] = [], as type: T.Type
    ) async throws(StepFailure) -> T {
        try await client.send(ProviderRequest(.get, path, query: query)).decode(T.self, provider: "twilio")
    }
}

struct TwilioMessage: Decodable {
    var sid: String
    var status: String
    var to: String?
    var body: String?
}

/// `twilio.verify-account`: reading the account needs valid credentials; a suspended account fails.
struct TwilioVerifyAccountRunner: StepRunner {
    func observe(_ context: StepContext) async throws -> StepResult? { try await create(context) }

    func create(_ context: StepContext) async throws -> StepResult {
        struct Account: Decodable {
            var status: String
            var type: String?
        }
        let api = try await TwilioAPI.open(context)
        let account = try await api.get("\(api.root).json", as: Account.self)
        guard account.status == "active" else {
            throw StepFailure(.invalid, message: "the Twilio account is \(account.status)")
        }
        return StepResult(outputs: ["status": account.status, "type": account.type ?? ""])
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}
}

/// `twilio.verify-sender`: a sender number must be one of the account's SMS-capable numbers; an alphanumeric sender
/// ID cannot be checked through the API (its registration is per country), so it passes as written.
struct TwilioVerifySenderRunner: StepRunner {
    func observe(_ context: StepContext) async throws -> StepResult? { try await create(context) }

    func create(_ context: StepContext) async throws -> StepResult {
        let api = try await TwilioAPI.open(context)
        guard let sender = api.sender, !sender.isEmpty else {
            throw StepFailure(
                .invalid, message: "no Twilio sender: reconnect with --field sender=+NUMBER, or set senders.sms")
        }
        guard sender.hasPrefix("+") else {
            return StepResult(outputs: ["sender": sender, "kind": "alphanumeric"])
        }
        struct Numbers: Decodable {
            struct Number: Decodable {
                struct Capabilities: Decodable { var sms: Bool? }
                var phone_number: String
                var capabilities: Capabilities?
            }
            var incoming_phone_numbers: [Number]
        }
        let numbers = try await api.get(
            "\(api.root)/IncomingPhoneNumbers.json", query: [("PhoneNumber", sender)], as: Numbers.self)
        guard let number = numbers.incoming_phone_numbers.first(where: { $0.phone_number == sender }),
            number.capabilities?.sms == true
        else {
            throw StepFailure(
                .invalid,
                message:
                    "\(sender) is not an SMS-capable number of this Twilio account: buy or port one in Twilio's console, or reconnect with --field sender=+NUMBER"
            )
        }
        return StepResult(outputs: ["sender": sender, "kind": "number"])
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}
}

/// `twilio.test-sms`: a test message to `owner.phone` with its status callback on the receiver (signed with
/// `X-Twilio-Signature`, which `sheen serve` verifies), then its delivery. The body carries a reference derived
/// from the step's key, which is how `observe` finds a message an interrupted attempt sent. A sent SMS stays sent.
struct TwilioTestSMSRunner: StepRunner {
    var budget: Duration = .seconds(30)
    var interval: Duration = .milliseconds(250)

    static func reference(_ context: StepContext) -> String { "sheen-\(context.idempotencyKey.prefix(12))" }

    func observe(_ context: StepContext) async throws -> StepResult? {
        let to = try Self.recipient(context)
        let api = try await TwilioAPI.open(context)
        struct Page: Decodable { var messages: [TwilioMessage] }
        let page = try await api.get("\(api.root)/Messages.json", query: [("To", to)], as: Page.self)
        guard let sent = page.messages.first(where: { $0.body?.contains(Self.reference(context)) == true }) else {
            return nil
        }
        return try await settle(sent, api: api, context: context)
    }

    func create(_ context: StepContext) async throws -> StepResult {
        let to = try Self.recipient(context)
        let callback = try ProviderEndpoint.webhookURL(context, provider: "Twilio")
        let api = try await TwilioAPI.open(context)
        guard let from = api.sender else { throw StepFailure(.invalid, message: "the Twilio connection has no sender") }
        let body = "Sheen test message (\(Self.reference(context))). رسالة تجريبية من شين."
        let sent = try await api.client.send(
            ProviderRequest(
                .post, "\(api.root)/Messages.json",
                body: .form([("To", to), ("From", from), ("Body", body), ("StatusCallback", callback)]))
        ).decode(TwilioMessage.self, provider: "twilio")
        return try await settle(sent, api: api, context: context)
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}

    func settle(_ message: TwilioMessage, api: TwilioAPI, context: StepContext) async throws -> StepResult {
        var latest = message
        let final = try await Polling.until(context, budget: budget, every: interval) {
            () async throws -> TwilioMessage? in
            if Self.final.contains(latest.status) { return latest }
            latest = try await api.get("\(api.root)/Messages/\(message.sid).json", as: TwilioMessage.self)
            return Self.final.contains(latest.status) ? latest : nil
        }
        guard let final else {
            throw StepFailure(
                .waiting(next: "wait for the carrier's delivery report of \(message.sid)"),
                message: "the test message \(message.sid) is \(latest.status), not yet delivered")
        }
        guard final.status == "delivered" else {
            throw StepFailure(.invalid, message: "the test message \(final.sid) was \(final.status): check owner.phone")
        }
        return StepResult(outputs: ["message_sid": final.sid, "status": final.status], externalID: final.sid)
    }

    static let final: Set<String> = ["delivered", "undelivered", "failed", "canceled"]

    static func recipient(_ context: StepContext) throws(StepFailure) -> String {
        guard let phone = context.inputs[LaunchSettings.Key.ownerPhone.rawValue],
            let number = try? PhoneNumber.parse(phone, region: nil).get()
        else {
            throw StepFailure(.invalid, message: "no phone to send the test message to: set owner.phone in sheen.yaml")
        }
        return number.e164
    }
}

/// Twilio's step kinds and their runners.
public enum TwilioAdapter {
    public static func register(into runners: inout RunnerRegistry) {
        runners.register(TwilioVerifyAccountRunner(), for: "twilio.verify-account")
        runners.register(TwilioVerifySenderRunner(), for: "twilio.verify-sender")
        runners.register(TwilioTestSMSRunner(), for: "twilio.test-sms")
    }
}
