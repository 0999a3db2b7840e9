import Foundation
import SheenModel

/// How one applicable activation item stands, in the shape Kubernetes gives conditions: a status, a stable reason a
/// program can match, a message a person can read, when the status last changed, the evidence that holds, what still
/// blocks it and the exact next action. Stored, so a transition keeps its time across runs.
public struct ChecklistCondition: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        case `true` = "True"
        case `false` = "False"
        case unknown = "Unknown"
    }

    public var item: String
    public var title: LocalizedText
    public var status: Status
    /// CamelCase and stable: `StepSucceeded`, `EventRejected`, `ProbeFailed`, `AwaitingEvent`, `Attested`…
    public var reason: String
    public var message: LocalizedText
    public var lastTransition: Date
    /// What holds, one line each (`step stripe.test-payment succeeded`, `event charge.captured chg_… CAPTURED`).
    public var evidence: [String]
    /// What does not hold yet, one message each, blocking first.
    public var blockedBy: [LocalizedText]
    /// The exact next action when the item is not green; the item's fix hint when nothing more precise is known.
    public var next: LocalizedText?
    public var fix: LocalizedText

    public var isGreen: Bool { status == .true }

    public init(
        item: String, title: LocalizedText, status: Status, reason: String, message: LocalizedText,
        lastTransition: Date, evidence: [String] = [], blockedBy: [LocalizedText] = [], next: LocalizedText? = nil,
        fix: LocalizedText
    ) {
        self.item = item
        self.title = title
        self.status = status
        self.reason = reason
        self.message = message
        self.lastTransition = lastTransition
        self.evidence = evidence
        self.blockedBy = blockedBy
        self.next = next
        self.fix = fix
    }
}

/// A person's word for an item no API can confirm (Arabic rendering looked right on a phone), with who and when.
public struct Attestation: Sendable, Hashable, Codable {
    public var item: String
    /// The text given, or for a file its name and SHA-256.
    public var evidence: String
    public var by: String
    public var at: Date

    public init(item: String, evidence: String, by: String, at: Date) {
        self.item = item
        self.evidence = evidence
        self.by = by
        self.at = at
    }
}

/// Where conditions and attestations are kept, per project and environment.
public protocol ChecklistStore: Sendable {
    func conditions(in scope: StoreScope) async throws -> [ChecklistCondition]
    /// Replaces the scope's conditions with `conditions` in one transaction.
    func saveConditions(_ conditions: [ChecklistCondition], in scope: StoreScope) async throws
    func attestations(in scope: StoreScope) async throws -> [Attestation]
    /// Records `attestation`, replacing an earlier one for the same item.
    func attest(_ attestation: Attestation, in scope: StoreScope) async throws
}
