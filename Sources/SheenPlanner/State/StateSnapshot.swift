import SheenModel

/// What the state store knew about one step at the time of the snapshot.
public struct StepRecord: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case pending
        case inFlight = "in-flight"
        case succeeded
        case failed
        case skipped
    }

    public var stepID: String
    public var kind: String
    public var inputHash: String
    public var status: Status
    /// Whether the step ever succeeded: a resource may exist at the provider even if the latest status is a failure.
    public var created: Bool
    /// The step stopped to wait on a person or a provider (a redirect to complete, a review): the next run observes
    /// it again rather than repeating it.
    public var waiting: Bool
    /// What the step recorded last (never secrets): a rejected WhatsApp template's `fix`, for one.
    public var outputs: [String: String]?
    /// For a waiting step: what it waits on and what to do next (the DNS records to publish, the page to open).
    public var note: String?

    public init(
        stepID: String, kind: String, inputHash: String, status: Status, created: Bool? = nil, waiting: Bool = false,
        outputs: [String: String]? = nil, note: String? = nil
    ) {
        self.outputs = outputs
        self.note = note
        self.stepID = stepID
        self.kind = kind
        self.inputHash = inputHash
        self.status = status
        self.created = created ?? (status == .succeeded)
        self.waiting = waiting
    }
}

/// A read-only view of recorded state that the planner diffs against. The SQLite and PostgreSQL stores provide one;
/// ``InMemoryStateSnapshot`` serves tests and plans without a store.
public protocol StateSnapshot: Sendable {
    func record(for stepID: String) -> StepRecord?
    /// Every recorded step id, sorted.
    var recordedStepIDs: [String] { get }
}

extension StateSnapshot {
    /// A digest of every record, saved with a plan so `apply` can refuse a plan made against older state.
    public var fingerprint: String {
        var hasher = StableHasher()
        for id in recordedStepIDs {
            guard let record = record(for: id) else { continue }
            hasher.combine(record.stepID, record.kind, record.inputHash, record.status.rawValue)
        }
        return hasher.hexDigest
    }
}

/// State held in memory.
public struct InMemoryStateSnapshot: StateSnapshot {
    private let records: [String: StepRecord]
    public let recordedStepIDs: [String]

    public init(records: [StepRecord] = []) {
        self.records = Dictionary(records.map { ($0.stepID, $0) }, uniquingKeysWith: { _, last in last })
        self.recordedStepIDs = self.records.keys.sorted()
    }

    public func record(for stepID: String) -> StepRecord? { records[stepID] }
}
