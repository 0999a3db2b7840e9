import Foundation
import SheenEngine
import SheenModel
import SheenPlanner
import Testing

/// The evaluator on rules shaped like the shipped checklist's: the evidence that used to be enough alone (a DNS answer,
/// any transaction, one language's approval) no longer is.
@Suite("Checklist conditions: each item judged by its evidence rule")
struct ChecklistEvaluatorTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let fix = LocalizedText(en: "fix it", ar: "أصلحه")

    static func item(_ id: String, _ rule: Checklist.EvidenceRule) -> Checklist.Item {
        Checklist.Item(id: id, title: LocalizedText(en: id, ar: id), rule: rule, fix: fix)
    }

    static let checklist = Checklist(
        id: "activation", name: LocalizedText(en: "A", ar: "أ"),
        items: [
            item(
                "domain",
                .allOf([.evidence(.stepResult), .evidence(.probe(.dnsResolves)), .evidence(.probe(.tlsCertificate))])),
            item(
                "payment",
                .allOf([
                    .evidence(.stepResult),
                    .anyOf([
                        .evidence(.event(.init(type: "charge.captured", statuses: ["CAPTURED"]))),
                        .evidence(.event(.init(type: "transaction.captured", statuses: ["captured"]))),
                    ]),
                ])),
            item(
                "whatsapp",
                .allOf([
                    .evidence(.stepResult),
                    .evidence(
                        .event(.init(type: "TEMPLATE_STATUS_UPDATE", statuses: ["APPROVED"], perTemplate: .whatsapp))),
                ])),
            item("font", .anyOf([.evidence(.probe(.arabicFontShaping)), .evidence(.manualAttestation)])),
        ])

    static func entry(_ item: String, steps: [String] = []) -> Plan.ChecklistEntry {
        Plan.ChecklistEntry(
            item: item, title: LocalizedText(en: item, ar: item), applies: true, evidencedBy: steps, otherEvidence: [],
            fix: fix)
    }

    static let entries = [
        entry("domain", steps: ["cloudflare.dns"]), entry("payment", steps: ["tap.test-charge"]),
        entry("whatsapp", steps: ["infobip.template-status"]), entry("font"),
    ]

    static let templates = [
        Recipe.MessageTemplate(
            name: "order_confirmation", channel: .whatsapp,
            variants: [.init(language: "ar", body: "ب"), .init(language: "en", body: "b")]),
        Recipe.MessageTemplate(name: "otp", channel: .sms, variants: [.init(language: "ar", body: "ب")]),
    ]

    static func succeeded(_ id: String, outputs: [String: String] = [:]) -> StepState {
        StepState(
            stepID: id, kind: id, provider: nil, status: .succeeded, inputHash: "h", idempotencyKey: "k",
            requestFingerprint: "f", attempts: 1, outputs: outputs, level: 0, updatedAt: t0)
    }

    static func event(_ type: String, _ object: String, _ status: String, _ sequence: Int64) -> ObservedEvent {
        ObservedEvent(provider: "p", type: type, object: object, status: status, receivedAt: t0, sequence: sequence)
    }

    static func allSteps() -> [String: StepState] {
        Dictionary(
            uniqueKeysWithValues: ["cloudflare.dns", "tap.test-charge", "infobip.template-status"].map {
                ($0, succeeded($0))
            })
    }

    static func green() -> ChecklistFacts {
        ChecklistFacts(
            steps: allSteps(),
            events: [
                event("charge.captured", "chg_1", "CAPTURED", 1),
                event("TEMPLATE_STATUS_UPDATE", "order_confirmation/ar", "APPROVED", 2),
                event("TEMPLATE_STATUS_UPDATE", "order_confirmation/en", "APPROVED", 3),
            ],
            probes: [
                .dnsResolves: ProbeOutcome(.pass, LocalizedText(en: "resolves", ar: "يُحل"), at: t0),
                .tlsCertificate: ProbeOutcome(.pass, LocalizedText(en: "valid", ar: "صالحة"), at: t0),
                .arabicFontShaping: ProbeOutcome(.pass, LocalizedText(en: "joins", ar: "تتصل"), at: t0),
            ],
            templates: templates)
    }

    func evaluate(
        _ facts: ChecklistFacts, previous: [ChecklistCondition] = [], now: Date = t0
    )
        -> [String: ChecklistCondition]
    {
        let conditions = ChecklistEvaluator(checklist: Self.checklist).evaluate(
            Self.entries, facts: facts, previous: previous, now: now)
        return Dictionary(uniqueKeysWithValues: conditions.map { ($0.item, $0) })
    }

    @Test("all evidence present: every item is True, with its evidence listed and nothing blocking")
    func allGreen() {
        let conditions = evaluate(Self.green())
        #expect(conditions.count == 4)
        for condition in conditions.values {
            #expect(condition.status == .true, "\(condition.item): \(condition.message.en)")
            #expect(condition.blockedBy.isEmpty && condition.next == nil)
        }
        #expect(conditions["domain"]?.evidence.count == 3)
        #expect(conditions["whatsapp"]?.evidence.count == 3)
    }

    @Test("a DNS answer alone does not verify the domain: a failed certificate makes it False with the probe's words")
    func dnsAloneIsNotEnough() {
        var facts = Self.green()
        facts.probes[.tlsCertificate] = ProbeOutcome(
            .fail, LocalizedText(en: "souq.test's certificate expired", ar: "انتهت الشهادة"), at: Self.t0)
        let domain = evaluate(facts)["domain"]
        #expect(domain?.status == .false && domain?.reason == "ProbeFailed")
        #expect(domain?.message.en == "souq.test's certificate expired")
        #expect(domain?.blockedBy.map(\.en) == ["souq.test's certificate expired"])
        facts.probes[.tlsCertificate] = nil
        #expect(evaluate(facts)["domain"]?.status == .unknown)
        #expect(evaluate(facts)["domain"]?.reason == "ProbeNotRun")
    }

    @Test("a declined or pending transaction is not a test checkout; a captured one is")
    func paymentPredicate() {
        var facts = Self.green()
        facts.events =
            facts.events.filter { $0.type != "charge.captured" } + [
                Self.event("transaction.declined", "txn_1", "declined", 5),
                Self.event("charge.captured", "chg_2", "DECLINED", 6),
            ]
        let payment = evaluate(facts)["payment"]
        #expect(payment?.status == .unknown && payment?.reason == "AwaitingEvent")
        facts.events.append(Self.event("transaction.captured", "txn_2", "captured", 7))
        #expect(evaluate(facts)["payment"]?.status == .true)
    }

    @Test(
        "one approval per template and language: one language approved is not enough, a rejection names Meta's reason")
    func perTemplateAndLanguage() {
        var facts = Self.green()
        facts.events.removeAll { $0.object == "order_confirmation/en" }
        let waiting = evaluate(facts)["whatsapp"]
        #expect(waiting?.status == .unknown)
        #expect(waiting?.message.en.contains("order_confirmation/en") == true)
        facts.events.append(
            Self.event("TEMPLATE_STATUS_UPDATE", "order_confirmation/en", "REJECTED:INVALID_FORMAT", 9))
        let rejected = evaluate(facts)["whatsapp"]
        #expect(rejected?.status == .false && rejected?.reason == "EventRejected")
        #expect(rejected?.message.en == "order_confirmation/en: REJECTED (INVALID_FORMAT)")
        #expect(rejected?.next == Self.fix)
        // Resubmitted and approved: the latest review decides.
        facts.events.append(Self.event("TEMPLATE_STATUS_UPDATE", "order_confirmation/en", "APPROVED", 10))
        #expect(evaluate(facts)["whatsapp"]?.status == .true)
    }

    @Test("a step's verdict against the item, a failure, a wait and a step not run each say why and what to do")
    func stepStates() {
        var facts = Self.green()
        facts.steps["infobip.template-status"] = Self.succeeded(
            "infobip.template-status", outputs: ["fix": "edit the footer", "fix_ar": "عدّل التذييل"])
        let verdict = evaluate(facts)["whatsapp"]
        #expect(verdict?.status == .false && verdict?.reason == "VerdictAgainst")
        #expect(verdict?.next?.ar == "عدّل التذييل")
        var failed = Self.succeeded("tap.test-charge")
        failed.status = .failed
        failed.errorMessage = "card declined"
        facts.steps["tap.test-charge"] = failed
        #expect(evaluate(facts)["payment"]?.reason == "StepFailed")
        #expect(evaluate(facts)["payment"]?.message.en == "tap.test-charge failed: card declined")
        facts.steps["cloudflare.dns"] = nil
        let notRun = evaluate(facts)["domain"]
        #expect(notRun?.status == .unknown && notRun?.reason == "StepNotRun")
        #expect(notRun?.next?.en == "run `sheen apply`")
    }

    @Test("manual attestation is one way among others; without probe or attestation the item says how to attest")
    func attestation() {
        var facts = Self.green()
        facts.probes[.arabicFontShaping] = nil
        let font = evaluate(facts)["font"]
        #expect(font?.status == .unknown && font?.next?.en.contains("sheen checklist attest font") == true)
        facts.attestations["font"] = Attestation(
            item: "font", evidence: "checked on an iPhone", by: "lina", at: Self.t0)
        let attested = evaluate(facts)["font"]
        #expect(attested?.status == .true && attested?.reason == "Attested")
        #expect(attested?.evidence.first?.contains("lina") == true)
    }

    @Test("the transition time moves only when the status changes")
    func transitionTime() {
        let later = Self.t0.addingTimeInterval(600)
        var facts = Self.green()
        facts.probes[.dnsResolves] = nil
        let first = evaluate(facts, now: Self.t0)
        let again = evaluate(facts, previous: Array(first.values), now: later)
        #expect(again["domain"]?.lastTransition == Self.t0)
        let turned = evaluate(Self.green(), previous: Array(again.values), now: later)
        #expect(turned["domain"]?.status == .true && turned["domain"]?.lastTransition == later)
        #expect(turned["payment"]?.lastTransition == Self.t0)
    }

    @Test("an item that does not apply has no condition; one with no step here is judged on its other evidence")
    func applicability() {
        var entries = Self.entries
        entries[0].applies = false
        entries[1].evidencedBy = []
        let conditions = ChecklistEvaluator(checklist: Self.checklist).evaluate(
            entries, facts: Self.green(), now: Self.t0)
        #expect(conditions.map(\.item) == ["payment", "whatsapp", "font"])
        #expect(conditions[0].status == .true && conditions[0].evidence.count == 1)
    }
}
