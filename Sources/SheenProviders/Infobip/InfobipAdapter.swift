import Foundation
import SheenEngine
import SheenModel

/// Where the reviews of WhatsApp templates are read from when the provider's API does not say why: Infobip posts
/// Meta's reason with each status change (`TEMPLATE_STATUS_UPDATE`), which `sheen serve` stores. The lookup answers a
/// template and language with the stored `STATUS[:REASON]`, or `nil` when none has arrived.
public struct TemplateReviews: Sendable {
    public let lookup: @Sendable (_ name: String, _ language: String) async -> String?

    public init(lookup: @escaping @Sendable (_ name: String, _ language: String) async -> String?) {
        self.lookup = lookup
    }
}

/// `infobip.verify-key`: listing the sender's templates needs a valid key on the account's base URL.
struct InfobipVerifyKeyRunner: StepRunner {
    func observe(_ context: StepContext) async throws -> StepResult? { try await create(context) }

    func create(_ context: StepContext) async throws -> StepResult {
        let templates = try await InfobipAPI.open(context).templates()
        return StepResult(outputs: ["templates": String(templates.count)])
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}
}

/// `infobip.verify-sender`: the WhatsApp number must be connected; a pending one waits for Meta.
struct InfobipVerifySenderRunner: StepRunner {
    func observe(_ context: StepContext) async throws -> StepResult? { try await create(context) }

    func create(_ context: StepContext) async throws -> StepResult {
        let api = try await InfobipAPI.open(context)
        let sender = try api.requireSender()
        switch try await api.senderStatus() {
        case "CONNECTED":
            return StepResult(outputs: ["sender": sender, "status": "CONNECTED"])
        case "PENDING", "UNVERIFIED":
            throw StepFailure(
                .waiting(next: "finish registering the WhatsApp number \(sender) in Infobip's console"),
                message: "the WhatsApp sender \(sender) is not connected yet")
        case let status:
            throw StepFailure(
                .invalid,
                message:
                    "the WhatsApp sender \(sender) is \(status ?? "unknown to this Infobip account"): register it in Infobip's console, or reconnect with --field whatsapp_sender=NUMBER"
            )
        }
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}
}

/// `infobip.submit-templates`: every WhatsApp template of the recipe, in each of its languages, submitted for Meta's
/// review. Meta keeps one template per name and language, so the step submits only the pairs the sender lacks:
/// a repeated run, or one after a crash, finds what was submitted instead of submitting it twice.
struct InfobipSubmitTemplatesRunner: StepRunner {
    func observe(_ context: StepContext) async throws -> StepResult? {
        let wanted = try Self.pairs(context)
        let existing = try await InfobipAPI.open(context).templates()
        let found = wanted.compactMap { pair in existing.first { $0.name == pair.name && $0.language == pair.language }
        }
        return found.count == wanted.count ? Self.result(found) : nil
    }

    func create(_ context: StepContext) async throws -> StepResult {
        let templates = try Self.templates(context)
        let api = try await InfobipAPI.open(context)
        var existing = try await api.templates()
        for template in templates {
            for variant in template.variants
            where !existing.contains(where: { $0.name == template.name && $0.language == variant.language }) {
                existing.append(try await api.submit(Self.body(template, variant)))
            }
        }
        let wanted = try Self.pairs(context)
        return Self.result(
            wanted.compactMap { pair in existing.first { $0.name == pair.name && $0.language == pair.language } })
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    /// Templates stay with the WhatsApp account; deleting one also deletes its approval, so `sheen destroy` leaves
    /// them (delete them in Infobip's console if they must go).
    func delete(_ context: StepContext) async throws {}

    static func templates(_ context: StepContext) throws(StepFailure) -> [TemplateInput] {
        guard let text = context.inputs["templates"], let templates = TemplateInput.decode(text) else {
            throw StepFailure(
                .invalid, message: "the plan gives \(context.stepID) no templates; run 'sheen plan' again")
        }
        return templates
    }

    static func pairs(_ context: StepContext) throws(StepFailure) -> [(name: String, language: String)] {
        try templates(context).flatMap { template in template.variants.map { (template.name, $0.language) } }
    }

    /// The request Infobip's API takes (`WhatsAppTemplatePublicApiRequest`): the body with its examples, optional
    /// header and footer, quick-reply buttons.
    static func body(_ template: TemplateInput, _ variant: TemplateInput.Variant) -> [String: any Sendable] {
        var structure: [String: any Sendable] = [
            "body": [
                "text": variant.body,
                "examples": Array(
                    template.examples.prefix(Set(WhatsAppTemplateLimits.variables(in: variant.body)).count)),
            ] as [String: any Sendable],
            "type": "TEXT",
        ]
        if let header = variant.header { structure["header"] = ["format": "TEXT", "text": header] }
        if let footer = variant.footer { structure["footer"] = ["text": footer] }
        if !variant.buttons.isEmpty {
            structure["buttons"] = variant.buttons.map { ["type": "QUICK_REPLY", "text": $0] }
        }
        return [
            "name": template.name, "language": variant.language, "category": template.category, "structure": structure,
        ]
    }

    static func result(_ templates: [InfobipTemplate]) -> StepResult {
        let ids = templates.map { "\($0.name)/\($0.language)=\($0.id)" }.sorted().joined(separator: ",")
        return StepResult(outputs: ["template_ids": ids])
    }
}

/// `infobip.template-status`: polls until every template and language has Meta's final review, `APPROVED` or
/// `REJECTED`, and records each (`order_confirmation/ar=APPROVED`, `shipping_update/en=REJECTED:INVALID_FORMAT`).
/// The step succeeds once all are reviewed, whatever the verdicts: the checklist judges approval, so a rejection
/// leaves exactly that template's item red, with the reason Meta gave and the fix. A review takes up to 24 hours, so
/// the step waits within its budget and the next run picks it up.
struct InfobipTemplateStatusRunner: StepRunner {
    let reviews: TemplateReviews?
    var budget: Duration = .seconds(30)
    var interval: Duration = .milliseconds(500)

    static let final: Set<String> = ["APPROVED", "REJECTED", "DISABLED", "PAUSED", "FIRST_PAUSED", "SECOND_PAUSED"]

    func observe(_ context: StepContext) async throws -> StepResult? {
        let pairs = try InfobipSubmitTemplatesRunner.pairs(context)
        let api = try await InfobipAPI.open(context)
        let existing = try await api.templates()
        let found = pairs.compactMap { pair in existing.first { $0.name == pair.name && $0.language == pair.language } }
        guard found.count == pairs.count, found.allSatisfy({ Self.final.contains($0.status) }) else { return nil }
        return try await result(found, context: context)
    }

    func create(_ context: StepContext) async throws -> StepResult {
        let pairs = try InfobipSubmitTemplatesRunner.pairs(context)
        let api = try await InfobipAPI.open(context)
        var latest: [InfobipTemplate] = []
        let reviewed = try await Polling.until(context, budget: budget, every: interval) {
            () async throws -> [InfobipTemplate]? in
            let existing = try await api.templates()
            latest = pairs.compactMap { pair in existing.first { $0.name == pair.name && $0.language == pair.language }
            }
            return latest.count == pairs.count && latest.allSatisfy({ Self.final.contains($0.status) }) ? latest : nil
        }
        guard let reviewed else {
            let pending = pairs.filter { pair in
                !latest.contains {
                    $0.name == pair.name && $0.language == pair.language && Self.final.contains($0.status)
                }
            }.map { "\($0.name)/\($0.language)" }
            throw StepFailure(
                .waiting(
                    next:
                        "wait for Meta to review \(pending.joined(separator: ", ")) (up to 24 hours), then run sheen apply"
                ),
                message: "\(pending.count) WhatsApp template review(s) pending")
        }
        return try await result(reviewed, context: context)
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}

    /// Each review, with Meta's reason for a rejection once Infobip's notification has arrived (the status can be
    /// read before the notification lands: a rejection's reason is awaited for a short grace, then recorded as
    /// unknown), and the fix for each rejection in English and Arabic.
    func result(_ templates: [InfobipTemplate], context: StepContext? = nil) async throws -> StepResult {
        let rejected = templates.filter { $0.status != "APPROVED" }
        if let context, let reviews, !rejected.isEmpty {
            _ = try await Polling.until(context, budget: grace, every: .milliseconds(100)) { () async -> Bool? in
                for template in rejected {
                    guard let stored = await reviews.lookup(template.name, template.language),
                        stored.hasPrefix(template.status)
                    else { return nil }
                }
                return true
            }
        }
        return try await verdicts(templates)
    }

    var grace: Duration { min(budget, .seconds(5)) }

    func verdicts(_ templates: [InfobipTemplate]) async throws -> StepResult {
        var verdicts: [String] = []
        for template in templates.sorted(by: { ($0.name, $0.language) < ($1.name, $1.language) }) {
            var verdict = template.status
            if verdict != "APPROVED" {
                let stored = await reviews?.lookup(template.name, template.language)
                verdict = stored.flatMap { $0.hasPrefix(template.status + ":") ? $0 : nil } ?? verdict
            }
            verdicts.append("\(template.name)/\(template.language)=\(verdict)")
        }
        let approved = templates.count { $0.status == "APPROVED" }
        var outputs = [
            "reviews": verdicts.joined(separator: ","), "approved": String(approved),
            "rejected": String(templates.count - approved),
        ]
        let fixes = verdicts.compactMap { verdict -> (String, LocalizedText)? in
            let parts = verdict.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, parts[1] != "APPROVED" else { return nil }
            let reason = parts[1].split(separator: ":").dropFirst().first.map(String.init)
            return (parts[0], TemplateRejection.fix(reason: reason))
        }
        if !fixes.isEmpty {
            outputs["fix"] = fixes.map { "\($0.0): \($0.1.en)" }.joined(separator: " | ")
            outputs["fix_ar"] = fixes.map { "\($0.0): \($0.1.ar)" }.joined(separator: " | ")
        }
        return StepResult(outputs: outputs)
    }
}

/// `infobip.test-sms`: a test OTP by SMS to `owner.phone` from `senders.sms`, then its delivery report. Infobip lets
/// the caller choose each message's id, so the step's key is the id: a retried send is the same message, and
/// `observe` finds it in the logs. A sent SMS stays sent.
struct InfobipTestSMSRunner: StepRunner {
    var budget: Duration = .seconds(30)
    var interval: Duration = .milliseconds(250)

    static func messageID(_ context: StepContext) -> String { "sheen-\(context.idempotencyKey.prefix(24))" }

    struct Report: Decodable {
        struct Status: Decodable { var groupName: String? }
        var messageId: String
        var status: Status?
    }
    struct Reports: Decodable { var results: [Report]? }

    func observe(_ context: StepContext) async throws -> StepResult? {
        let api = try await InfobipAPI.open(context)
        let logs = try await api.client.send(
            ProviderRequest(.get, "/sms/3/logs", query: [("messageId", Self.messageID(context))])
        ).decode(Reports.self, provider: "infobip")
        guard logs.results?.contains(where: { $0.messageId == Self.messageID(context) }) == true else { return nil }
        return try await settle(api: api, context: context)
    }

    func create(_ context: StepContext) async throws -> StepResult {
        guard let phone = context.inputs[LaunchSettings.Key.ownerPhone.rawValue],
            let number = try? PhoneNumber.parse(phone, region: nil).get()
        else {
            throw StepFailure(
                .invalid,
                message: "no phone to send the test OTP to: set owner.phone in sheen.yaml (e.g. +971501234567)")
        }
        guard let sender = context.inputs[LaunchSettings.Key.smsSender.rawValue] else {
            throw StepFailure(
                .invalid, message: "no SMS sender: set senders.sms in sheen.yaml (the ID Infobip registered)")
        }
        let api = try await InfobipAPI.open(context)
        let code = String(format: "%06d", abs(context.idempotencyKey.hashValueStable) % 1_000_000)
        let message: [String: any Sendable] = [
            "sender": sender,
            "destinations": [["to": number.digits, "messageId": Self.messageID(context)]],
            "content": ["text": "Sheen test code \(code). رمز التحقق التجريبي من شين: \(code)"],
        ]
        let data =
            (try? JSONSerialization.data(withJSONObject: ["messages": [message]], options: [.sortedKeys])) ?? Data()
        _ = try await api.client.send(ProviderRequest(.post, "/sms/3/messages", body: .json(data)))
        return try await settle(api: api, context: context)
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}

    func settle(api: InfobipAPI, context: StepContext) async throws -> StepResult {
        let id = Self.messageID(context)
        var latest = "PENDING"
        let final = try await Polling.until(context, budget: budget, every: interval) { () async throws -> String? in
            let reports = try await api.client.send(ProviderRequest(.get, "/sms/3/reports", query: [("messageId", id)]))
                .decode(Reports.self, provider: "infobip")
            latest = reports.results?.first { $0.messageId == id }?.status?.groupName ?? latest
            return ["DELIVERED", "UNDELIVERABLE", "EXPIRED", "REJECTED"].contains(latest) ? latest : nil
        }
        guard let final else {
            throw StepFailure(
                .waiting(next: "wait for the operator's delivery report of \(id)"),
                message: "the test OTP \(id) is \(latest), not yet delivered")
        }
        guard final == "DELIVERED" else {
            throw StepFailure(.invalid, message: "the test OTP \(id) was \(final): check owner.phone and senders.sms")
        }
        return StepResult(outputs: ["message_id": id, "status": final], externalID: id)
    }
}

/// Infobip's step kinds and their runners.
public enum InfobipAdapter {
    public static func register(into runners: inout RunnerRegistry, reviews: TemplateReviews?) {
        runners.register(InfobipVerifyKeyRunner(), for: "infobip.verify-key")
        runners.register(InfobipVerifySenderRunner(), for: "infobip.verify-sender")
        runners.register(InfobipSubmitTemplatesRunner(), for: "infobip.submit-templates")
        runners.register(InfobipTemplateStatusRunner(reviews: reviews), for: "infobip.template-status")
        runners.register(InfobipTestSMSRunner(), for: "infobip.test-sms")
    }
}
