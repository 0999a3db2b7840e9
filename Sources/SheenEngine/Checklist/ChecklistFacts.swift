import Foundation
import SheenModel
import SheenPlanner

/// What a probe found: `unknown` when nothing can confirm it either way (a question no API answers), never `pass`.
public struct ProbeOutcome: Sendable, Hashable, Codable {
    public enum Verdict: String, Sendable, Hashable, Codable {
        case pass, warn, fail, unknown
    }

    public var verdict: Verdict
    public var message: LocalizedText
    public var checkedAt: Date

    public init(_ verdict: Verdict, _ message: LocalizedText, at checkedAt: Date) {
        self.verdict = verdict
        self.message = message
        self.checkedAt = checkedAt
    }
}

/// A verified webhook event as the checklist sees it: the normalised envelope, never the raw body.
public struct ObservedEvent: Sendable, Hashable {
    public var provider: String
    public var type: String
    /// The object it is about (a charge id; `name/language` for a template review).
    public var object: String?
    /// The object's status, `STATUS[:REASON]` where the provider gives a reason.
    public var status: String?
    public var receivedAt: Date
    /// The store's id: later events have larger ids, whatever the clocks say.
    public var sequence: Int64

    public init(
        provider: String, type: String, object: String?, status: String?, receivedAt: Date, sequence: Int64
    ) {
        self.provider = provider
        self.type = type
        self.object = object
        self.status = status
        self.receivedAt = receivedAt
        self.sequence = sequence
    }
}

/// Everything the checklist is judged on for one project and environment.
public struct ChecklistFacts: Sendable {
    public var steps: [String: StepState]
    public var events: [ObservedEvent]
    public var probes: [Checklist.Probe: ProbeOutcome]
    public var attestations: [String: Attestation]
    /// The recipe's message templates, for evidence wanted per template and language.
    public var templates: [Recipe.MessageTemplate]

    public init(
        steps: [String: StepState] = [:], events: [ObservedEvent] = [], probes: [Checklist.Probe: ProbeOutcome] = [:],
        attestations: [String: Attestation] = [:], templates: [Recipe.MessageTemplate] = []
    ) {
        self.steps = steps
        self.events = events
        self.probes = probes
        self.attestations = attestations
        self.templates = templates
    }
}
