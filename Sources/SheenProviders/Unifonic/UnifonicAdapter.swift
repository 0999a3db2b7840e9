import Foundation
import SheenEngine
import SheenModel

/// `unifonic.verify-app`: the balance call needs a valid AppSid and changes nothing.
struct UnifonicVerifyAppRunner: StepRunner {
    func observe(_ context: StepContext) async throws -> StepResult? { try await create(context) }

    func create(_ context: StepContext) async throws -> StepResult {
        let api = try await UnifonicAPI.open(context)
        let balance = try await api.call("/rest/Account/GetBalance", as: UnifonicBalance.self)
        return StepResult(outputs: ["balance": balance.Balance ?? "", "currency": balance.CurrencyCode ?? ""])
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}
}

/// `unifonic.verify-sender`: the connection's sender ID must be approved for the app. Saudi operators review new
/// sender IDs, so a pending one ends the step waiting; a rejected or unknown one fails with what to do.
struct UnifonicVerifySenderRunner: StepRunner {
    func observe(_ context: StepContext) async throws -> StepResult? { try await create(context) }

    func create(_ context: StepContext) async throws -> StepResult {
        let api = try await UnifonicAPI.open(context)
        guard let sender = api.senderID, !sender.isEmpty else {
            throw StepFailure(
                .invalid, message: "the Unifonic connection has no sender_id: reconnect with --field sender_id=NAME")
        }
        let status: UnifonicSenderStatus
        do {
            status = try await api.call(
                "/rest/Account/GetSenderIDStatus", [("SenderID", sender)], as: UnifonicSenderStatus.self)
        } catch {
            guard case .http(status: 480, _) = error.kind else { throw error }
            throw StepFailure(
                .invalid,
                message:
                    "Unifonic does not let this app use the sender ID '\(sender)': register it in Unifonic's console (Sender names) or reconnect with --field sender_id=NAME, then run sheen apply again"
            )
        }
        switch status.Status.lowercased() {
        case "approved", "active":
            return StepResult(outputs: ["sender_id": sender, "status": status.Status])
        case "pending", "under review":
            throw StepFailure(
                .waiting(next: "wait for Saudi operators to approve the sender ID '\(sender)' in Unifonic's console"),
                message: "the sender ID '\(sender)' is pending approval")
        default:
            throw StepFailure(
                .invalid,
                message:
                    "the sender ID '\(sender)' is \(status.Status) at Unifonic: register another one, then reconnect with --field sender_id=NAME"
            )
        }
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}
}

/// `unifonic.test-otp`: a one-time code to the owner's phone (`owner.phone`), then its delivery report. The body
/// carries a reference derived from the step's idempotency key, which is how `observe` finds a message an interrupted
/// attempt sent (Unifonic documents no idempotency key). A sent SMS cannot be recalled.
struct UnifonicTestOTPRunner: StepRunner {
    var budget: Duration = .seconds(30)
    var interval: Duration = .milliseconds(250)

    static func reference(_ context: StepContext) -> String { "sheen-\(context.idempotencyKey.prefix(12))" }

    func observe(_ context: StepContext) async throws -> StepResult? {
        let api = try await UnifonicAPI.open(context)
        let reference = Self.reference(context)
        var form: [(String, String)] = []
        if let sender = api.senderID { form.append(("SenderID", sender)) }
        let report = try await api.call("/rest/Messages/GetMessagesReport", form, as: UnifonicReport.self)
        guard let sent = report.messages?.first(where: { $0.Body?.contains(reference) == true }) else { return nil }
        return try await settle(sent, api: api, context: context)
    }

    func create(_ context: StepContext) async throws -> StepResult {
        guard let phone = context.inputs[LaunchSettings.Key.ownerPhone.rawValue],
            let number = try? PhoneNumber.parse(phone, region: nil).get()
        else {
            throw StepFailure(
                .invalid,
                message:
                    "no phone to send the test OTP to: set owner.phone in sheen.yaml (a mobile, e.g. +966512345678)")
        }
        let api = try await UnifonicAPI.open(context)
        guard let sender = api.senderID else {
            throw StepFailure(.invalid, message: "the Unifonic connection has no sender_id")
        }
        // Six digits from the key, so a retried attempt sends the same code.
        let code = String(format: "%06d", abs(context.idempotencyKey.hashValueStable) % 1_000_000)
        let body =
            "Sheen test code \(code) (\(Self.reference(context))). رمز التحقق التجريبي من شين: \(code)"
        let sent = try await api.call(
            "/rest/SMS/messages",
            [
                ("SenderID", sender), ("Recipient", number.digits), ("Body", body),
                ("CorrelationID", Self.reference(context)),
            ], as: UnifonicMessage.self)
        return try await settle(sent, api: api, context: context)
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}

    /// Polls the message's delivery report within the budget.
    func settle(_ message: UnifonicMessage, api: UnifonicAPI, context: StepContext) async throws -> StepResult {
        var latest = message
        let final = try await Polling.until(context, budget: budget, every: interval) {
            () async throws -> UnifonicMessage? in
            if Self.isFinal(latest.Status) { return latest }
            latest = try await api.call(
                "/rest/Messages/GetMessageIDStatus", [("MessageID", String(message.MessageID))],
                as: UnifonicMessage.self)
            return Self.isFinal(latest.Status) ? latest : nil
        }
        guard let final else {
            throw StepFailure(
                .waiting(next: "wait for the operator's delivery report of message \(message.MessageID)"),
                message: "the test OTP \(message.MessageID) is \(latest.Status ?? "queued"), not yet delivered")
        }
        guard final.Status?.lowercased() == "delivered" else {
            throw StepFailure(
                .invalid,
                message: "the test OTP \(final.MessageID) was \(final.Status ?? "not delivered"): check owner.phone")
        }
        return StepResult(
            outputs: ["message_id": String(final.MessageID), "status": final.Status ?? ""],
            externalID: String(final.MessageID))
    }

    static func isFinal(_ status: String?) -> Bool {
        ["delivered", "undeliverable", "failed", "rejected", "expired"].contains(status?.lowercased() ?? "")
    }
}

extension String {
    /// FNV-1a: the same number for the same text in every process (Swift's `hashValue` is seeded per process).
    var hashValueStable: Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return Int(truncatingIfNeeded: hash >> 1)
    }
}

/// Unifonic's step kinds and their runners.
public enum UnifonicAdapter {
    public static func register(into runners: inout RunnerRegistry) {
        runners.register(UnifonicVerifyAppRunner(), for: "unifonic.verify-app")
        runners.register(UnifonicVerifySenderRunner(), for: "unifonic.verify-sender")
        runners.register(UnifonicTestOTPRunner(), for: "unifonic.test-otp")
    }
}
