import Foundation
import SheenModel
import SheenPlanner

/// Judges a plan's applicable checklist items against the facts, as each item's evidence rule says, and keeps each
/// condition's transition time from the previous evaluation. Pure: the same facts give the same conditions, so the CLI,
/// `sheen up` and the server judge alike, and nothing turns green by decree.
public struct ChecklistEvaluator: Sendable {
    public let checklist: Checklist

    public init(checklist: Checklist) { self.checklist = checklist }

    /// The conditions of `plan`'s applicable items, in the checklist's order.
    public func evaluate(
        _ plan: Plan, facts: ChecklistFacts, previous: [ChecklistCondition] = [], now: Date
    ) -> [ChecklistCondition] {
        evaluate(plan.checklist, facts: facts, previous: previous, now: now)
    }

    /// The conditions of the applicable `entries` (a plan's checklist projection).
    public func evaluate(
        _ entries: [Plan.ChecklistEntry], facts: ChecklistFacts, previous: [ChecklistCondition] = [], now: Date
    ) -> [ChecklistCondition] {
        let before = Dictionary(previous.map { ($0.item, $0) }, uniquingKeysWith: { _, last in last })
        return entries.filter(\.applies).compactMap { entry -> ChecklistCondition? in
            guard let item = checklist.items.first(where: { $0.id == entry.item }) else { return nil }
            let judge = Judge(entry: entry, item: item, facts: facts)
            let verdict =
                judge.judge(item.rule)
                ?? Verdict(
                    status: .unknown, reason: "NoEvidence",
                    message: LocalizedText(
                        en: "nothing in this plan can evidence it", ar: "لا شيء في هذه الخطة يمكن أن يثبته"),
                    next: item.fix)
            let status = verdict.status
            let transition =
                before[item.id].flatMap { $0.status == status ? $0.lastTransition : nil } ?? now
            return ChecklistCondition(
                item: item.id, title: item.title, status: status, reason: verdict.reason, message: verdict.message,
                lastTransition: transition, evidence: verdict.evidence,
                blockedBy: status == .true
                    ? [] : Self.unique(verdict.blockedBy.isEmpty ? [verdict.message] : verdict.blockedBy),
                next: status == .true ? nil : verdict.next ?? item.fix, fix: item.fix)
        }
    }
}

extension ChecklistEvaluator {
    /// Two probes stopped by one cause (no domain set) say it once.
    static func unique(_ texts: [LocalizedText]) -> [LocalizedText] {
        texts.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }
}

/// One node's judgement: a leaf's, or a combination's, which carries its children's evidence and blockers.
struct Verdict {
    var status: ChecklistCondition.Status
    var reason: String
    var message: LocalizedText
    var evidence: [String] = []
    var blockedBy: [LocalizedText] = []
    var next: LocalizedText?
}

/// Judges one item's rule. A leaf that cannot apply here (`step` where no step evidences the item) is `nil` and drops
/// out of its combination.
struct Judge {
    let entry: Plan.ChecklistEntry
    let item: Checklist.Item
    let facts: ChecklistFacts

    func judge(_ rule: Checklist.EvidenceRule) -> Verdict? {
        switch rule {
        case .evidence(let evidence): return leaf(evidence)
        case .allOf(let rules):
            let verdicts = rules.compactMap(judge)
            guard !verdicts.isEmpty else { return nil }
            return Self.all(verdicts) {
                verdicts.count == 1
                    ? verdicts[0]
                    : Verdict(
                        status: .true, reason: "AllEvidenceHolds",
                        message: LocalizedText(en: "all of its evidence holds", ar: "كل الأدلة متحققة"))
            }
        case .anyOf(let rules):
            let verdicts = rules.compactMap(judge)
            guard !verdicts.isEmpty else { return nil }
            if let held = verdicts.first(where: { $0.status == .true }) {
                var verdict = held
                verdict.evidence = verdicts.filter { $0.status == .true }.flatMap(\.evidence)
                return verdict
            }
            // Nothing holds: an unknown may still come true, so it decides over a failure.
            guard var verdict = verdicts.first(where: { $0.status == .unknown }) ?? verdicts.first else { return nil }
            verdict.blockedBy = verdicts.flatMap(Self.blockersOf)
            // Any one way turns it green, so each way's next action is offered.
            let nexts = ChecklistEvaluator.unique(verdicts.compactMap(\.next))
            if nexts.count > 1 {
                func clause(_ text: String) -> String { text.hasSuffix(".") ? String(text.dropLast()) : text }
                verdict.next = LocalizedText(
                    en: nexts.map { clause($0.en) }.joined(separator: "; or "),
                    ar: nexts.map { clause($0.ar) }.joined(separator: "؛ أو "))
            }
            return verdict
        }
    }

    private static func blockersOf(_ verdict: Verdict) -> [LocalizedText] {
        verdict.blockedBy.isEmpty ? [verdict.message] : verdict.blockedBy
    }

    /// `verdicts` that must all hold: the first false one decides (else the first unknown), carrying every blocker,
    /// false ones first; when all hold, `held` says so. Either way the evidence of those that hold is kept.
    static func all(_ verdicts: [Verdict], held: () -> Verdict) -> Verdict {
        let evidence = verdicts.flatMap(\.evidence)
        let blocked = verdicts.filter { $0.status != .true }
        guard let deciding = blocked.first(where: { $0.status == .false }) ?? blocked.first else {
            var verdict = held()
            verdict.evidence = evidence
            return verdict
        }
        var verdict = deciding
        verdict.evidence = evidence
        verdict.blockedBy = blocked.sorted { $0.status == .false && $1.status != .false }.flatMap(blockersOf)
        return verdict
    }

    func leaf(_ evidence: Checklist.Evidence) -> Verdict? {
        switch evidence {
        case .stepResult: steps()
        case .event(let match): match.perTemplate == nil ? event(match) : perTemplate(match)
        case .probe(let probe): self.probe(probe)
        case .manualAttestation: attestation()
        }
    }

    // MARK: Steps

    /// Every step of the plan that evidences the item, judged together: one failure or verdict against it decides.
    private func steps() -> Verdict? {
        guard !entry.evidencedBy.isEmpty else { return nil }
        return Self.all(entry.evidencedBy.map(step)) {
            Verdict(
                status: .true, reason: "StepSucceeded",
                message: LocalizedText(
                    en: "\(entry.evidencedBy.joined(separator: ", ")) succeeded",
                    ar: "نجحت الخطوات: \(entry.evidencedBy.joined(separator: "، "))"))
        }
    }

    private func step(_ id: String) -> Verdict {
        guard let state = facts.steps[id], state.status != .pending else {
            return Verdict(
                status: .unknown, reason: "StepNotRun",
                message: LocalizedText(en: "\(id) has not run yet", ar: "لم تُنفَّذ الخطوة \(id) بعد"),
                next: LocalizedText(en: "run `sheen apply`", ar: "شغّل `sheen apply`"))
        }
        let record = state.record
        switch state.status {
        case .succeeded:
            if let fix = state.outputs["fix"] {
                return Verdict(
                    status: .false, reason: "VerdictAgainst",
                    message: LocalizedText(en: "\(id): \(fix)", ar: "\(id): \(state.outputs["fix_ar"] ?? fix)"),
                    next: LocalizedText(en: fix, ar: state.outputs["fix_ar"] ?? fix))
            }
            return Verdict(
                status: .true, reason: "StepSucceeded",
                message: LocalizedText(en: "\(id) succeeded", ar: "نجحت الخطوة \(id)"),
                evidence: ["step \(id) succeeded at \(Self.time(state.updatedAt))"])
        case .failed where record.waiting:
            let note = record.note ?? "a person or the provider"
            return Verdict(
                status: .unknown, reason: "StepWaiting",
                message: LocalizedText(en: "\(id) waits: \(note)", ar: "الخطوة \(id) بانتظار: \(note)"),
                next: LocalizedText(
                    en: "\(note); then run `sheen apply` again", ar: "\(note)؛ ثم شغّل `sheen apply` مجددًا"))
        case .failed:
            let error = state.errorMessage ?? state.errorClass ?? "failed"
            return Verdict(
                status: .false, reason: "StepFailed",
                message: LocalizedText(en: "\(id) failed: \(error)", ar: "فشلت الخطوة \(id): \(error)"),
                next: item.fix)
        case .inFlight:
            return Verdict(
                status: .unknown, reason: "StepInFlight",
                message: LocalizedText(en: "\(id) was left in flight", ar: "بقيت الخطوة \(id) قيد التنفيذ"),
                next: LocalizedText(en: "run `sheen resume`", ar: "شغّل `sheen resume`"))
        case .skipped, .pending:
            return Verdict(
                status: .unknown, reason: "StepSkipped",
                message: LocalizedText(
                    en: "\(id) was skipped: a step it needs failed", ar: "تخطّيت الخطوة \(id) لفشل خطوة تحتاجها"),
                next: LocalizedText(
                    en: "fix the failed step, then run `sheen apply`", ar: "أصلح الخطوة الفاشلة ثم شغّل `sheen apply`"))
        }
    }

    // MARK: Events

    /// The status proper, without the provider's `:reason`.
    static func status(_ status: String?) -> String? {
        status.map { String($0.split(separator: ":", maxSplits: 1).first ?? "") }
    }

    static func accepts(_ match: Checklist.EventMatch, _ event: ObservedEvent) -> Bool {
        event.type == match.type && (match.statuses.isEmpty || match.statuses.contains(status(event.status) ?? ""))
    }

    private func event(_ match: Checklist.EventMatch) -> Verdict {
        let held = facts.events.filter { Self.accepts(match, $0) }.sorted { $0.sequence < $1.sequence }
        guard let latest = held.last else {
            let wanted = match.type + (match.statuses.isEmpty ? "" : " (\(match.statuses.joined(separator: " or ")))")
            return Verdict(
                status: .unknown, reason: "AwaitingEvent",
                message: LocalizedText(en: "no \(wanted) event yet", ar: "لم يصل حدث \(wanted) بعد"),
                next: LocalizedText(
                    en: "check that the webhook receiver (`sheen serve`) is reachable by the provider",
                    ar: "تحقق من أن المزوّد يصل إلى مستقبل الإشعارات (`sheen serve`)"))
        }
        return Verdict(
            status: .true, reason: "EventReceived",
            message: LocalizedText(
                en: "\(latest.provider) sent \(latest.type)", ar: "أرسل \(latest.provider) الحدث \(latest.type)"),
            evidence: [
                "event \(latest.type) \(latest.object ?? "")\(latest.status.map { " \($0)" } ?? "") at \(Self.time(latest.receivedAt))"
            ])
    }

    /// One accepted event per template and language: the latest event of each pair decides, so a later rejection
    /// undoes an approval and a resubmitted template's approval clears an earlier rejection.
    private func perTemplate(_ match: Checklist.EventMatch) -> Verdict? {
        let pairs = facts.templates.filter { $0.channel == match.perTemplate }.flatMap { template in
            template.variants.map { "\(template.name)/\($0.language)" }
        }
        guard !pairs.isEmpty else { return nil }
        var evidence: [String] = []
        var rejected: [LocalizedText] = []
        var waiting: [String] = []
        for pair in pairs {
            let latest = facts.events.filter { $0.type == match.type && $0.object == pair }.max {
                $0.sequence < $1.sequence
            }
            guard let latest else {
                waiting.append(pair)
                continue
            }
            if Self.accepts(match, latest) {
                evidence.append(
                    "event \(latest.type) \(pair) \(latest.status ?? "") at \(Self.time(latest.receivedAt))")
            } else {
                let parts = (latest.status ?? "").split(separator: ":", maxSplits: 1).map(String.init)
                let why = parts.count > 1 ? " (\(parts[1]))" : ""
                rejected.append(
                    LocalizedText(
                        en: "\(pair): \(parts.first ?? "no status")\(why)",
                        ar: "\(pair): \(parts.first ?? "بلا حالة")\(why)"))
            }
        }
        if !rejected.isEmpty {
            return Verdict(
                status: .false, reason: "EventRejected", message: rejected[0], evidence: evidence,
                blockedBy: rejected
                    + waiting.map { LocalizedText(en: "\($0): no review yet", ar: "\($0): لم تصل المراجعة بعد") },
                next: item.fix)
        }
        if !waiting.isEmpty {
            return Verdict(
                status: .unknown, reason: "AwaitingEvent",
                message: LocalizedText(
                    en: "no \(match.type) yet for \(waiting.joined(separator: ", "))",
                    ar: "لم يصل \(match.type) بعد لـ \(waiting.joined(separator: "، "))"),
                evidence: evidence,
                next: LocalizedText(
                    en: "wait for the provider's review; `sheen checklist --watch` follows it",
                    ar: "انتظر مراجعة المزوّد؛ يتابعها `sheen checklist --watch`"))
        }
        return Verdict(
            status: .true, reason: "EventReceived",
            message: LocalizedText(
                en:
                    "\(match.type) \(match.statuses.joined(separator: "/")) for all \(pairs.count) templates and languages",
                ar: "\(match.type) \(match.statuses.joined(separator: "/")) لكل القوالب واللغات (\(pairs.count))"),
            evidence: evidence)
    }

    // MARK: Probes and people

    private func probe(_ probe: Checklist.Probe) -> Verdict {
        guard let outcome = facts.probes[probe] else {
            return Verdict(
                status: .unknown, reason: "ProbeNotRun",
                message: LocalizedText(en: "\(probe.rawValue) was not checked", ar: "لم يُفحص \(probe.rawValue)"),
                next: LocalizedText(en: "run `sheen checklist`", ar: "شغّل `sheen checklist`"))
        }
        switch outcome.verdict {
        case .pass, .warn:
            return Verdict(
                status: .true, reason: outcome.verdict == .pass ? "ProbePassed" : "ProbePassedWithWarning",
                message: outcome.message,
                evidence: ["probe \(probe.rawValue): \(outcome.message.en) at \(Self.time(outcome.checkedAt))"])
        case .fail:
            return Verdict(status: .false, reason: "ProbeFailed", message: outcome.message, next: item.fix)
        case .unknown:
            return Verdict(status: .unknown, reason: "ProbeUnknown", message: outcome.message, next: item.fix)
        }
    }

    private func attestation() -> Verdict {
        guard let attestation = facts.attestations[item.id] else {
            return Verdict(
                status: .unknown, reason: "NotAttested",
                message: LocalizedText(en: "no one has attested it", ar: "لم يشهد به أحد"),
                next: LocalizedText(
                    en: "check it yourself, then `sheen checklist attest \(item.id) --evidence \"what you saw\"`",
                    ar: "تحقق بنفسك ثم `sheen checklist attest \(item.id) --evidence \"ما رأيته\"`"))
        }
        return Verdict(
            status: .true, reason: "Attested",
            message: LocalizedText(
                en: "attested by \(attestation.by): \(attestation.evidence)",
                ar: "شهد به \(attestation.by): \(attestation.evidence)"),
            evidence: ["attested by \(attestation.by) at \(Self.time(attestation.at)): \(attestation.evidence)"])
    }

    static func time(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
}
