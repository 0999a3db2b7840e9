import Foundation
import SheenModel
import SheenPlanner

/// Which journal a run writes to: one project in one environment.
public struct StoreScope: Sendable, Hashable, CustomStringConvertible {
    public var project: String
    public var environment: DeploymentEnvironment

    public init(project: String, environment: DeploymentEnvironment) {
        self.project = project
        self.environment = environment
    }

    public var description: String { "\(project)/\(environment.rawValue)" }
}

/// The journal's current row for one step.
public struct StepState: Sendable, Hashable {
    public var stepID: String
    public var kind: String
    public var provider: String?
    public var status: StepRecord.Status
    public var inputHash: String
    public var idempotencyKey: String
    /// A digest of what the last call sent, to tell a re-send from a changed request.
    public var requestFingerprint: String
    public var attempts: Int
    /// Non-secret outputs only: secret outputs belong to the secrets store (a later module) and are dropped here.
    public var outputs: [String: String]
    public var externalID: String?
    public var errorClass: String?
    public var errorMessage: String?
    /// The step's level in the plan that last touched it, so `destroy` can undo in reverse order.
    public var level: Int
    public var updatedAt: Date
    /// Whether the step has ever succeeded, so a resource may exist at the provider whatever the latest status says:
    /// a later failure or skip must converge it with an update, never a second create.
    public var created: Bool

    public init(
        stepID: String, kind: String, provider: String?, status: StepRecord.Status, inputHash: String,
        idempotencyKey: String, requestFingerprint: String, attempts: Int, outputs: [String: String] = [:],
        externalID: String? = nil, errorClass: String? = nil, errorMessage: String? = nil, level: Int, updatedAt: Date,
        created: Bool? = nil
    ) {
        self.stepID = stepID
        self.kind = kind
        self.provider = provider
        self.status = status
        self.inputHash = inputHash
        self.idempotencyKey = idempotencyKey
        self.requestFingerprint = requestFingerprint
        self.attempts = attempts
        self.outputs = outputs
        self.externalID = externalID
        self.errorClass = errorClass
        self.errorMessage = errorMessage
        self.level = level
        self.updatedAt = updatedAt
        self.created = created ?? (status == .succeeded)
    }

    public var record: StepRecord {
        StepRecord(
            stepID: stepID, kind: kind, inputHash: inputHash, status: status, created: created,
            waiting: waits, outputs: outputs.isEmpty ? nil : outputs, note: waits ? errorMessage : nil)
    }

    /// The step stopped to wait on a person or a provider.
    var waits: Bool { status == .failed && errorClass == StepFailure.waitingClass }
}

/// Who holds an apply lock, and since when.
public struct LockInfo: Sendable, Hashable {
    public var holder: String
    public var processID: Int32
    public var host: String
    public var acquiredAt: Date
    public var expiresAt: Date
    /// The fencing token the store issued with this lease; `0` until the store has granted it.
    public var token: Int64

    public init(holder: String, processID: Int32, host: String, acquiredAt: Date, expiresAt: Date, token: Int64 = 0) {
        self.holder = holder
        self.processID = processID
        self.host = host
        self.acquiredAt = acquiredAt
        self.expiresAt = expiresAt
        self.token = token
    }

    /// The proof of this lease that journal writes carry.
    public var fence: LockFence { LockFence(holder: holder, token: token) }

    /// The host a queued run's hold on its scope names: the workers, not one process.
    public static let queuedRunHost = "sheen worker"

    /// Whether a queued run holds it (until its last step settles), rather than a process under a lease.
    public var isQueuedRun: Bool { host == Self.queuedRunHost && processID == 0 }
}

/// Proof that a run holds its scope's apply lock. Tokens grow with every grant of a scope's lock, and the store
/// checks the token inside each journal transaction, so a run that lost its lease (paused, partitioned, expired)
/// can never commit after another holder took over.
public struct LockFence: Sendable, Hashable {
    public var holder: String
    public var token: Int64
    /// For a worker running one step of a queued run: its claim on that step, which the store checks too, so a worker
    /// whose claim lapsed and was taken over can never commit that step's transitions.
    public var claim: ClaimFence?

    public init(holder: String, token: Int64, claim: ClaimFence? = nil) {
        self.holder = holder
        self.token = token
        self.claim = claim
    }
}

/// A worker's claim on one step of a queued run: the run, and the token the claim was granted with (tokens only grow).
public struct ClaimFence: Sendable, Hashable {
    public var run: Int64
    public var token: Int64

    public init(run: Int64, token: Int64) {
        self.run = run
        self.token = token
    }
}

/// This run no longer holds the apply lock: a journal write carried a stale fence, or the lease could not be renewed.
public struct LockLost: Error, Sendable, Hashable, CustomStringConvertible {
    public var scope: StoreScope
    /// Who holds the lock now, if anyone.
    public var holder: String?

    public init(scope: StoreScope, holder: String?) {
        self.scope = scope
        self.holder = holder
    }

    public var description: String {
        let now = holder.map { "\($0) holds it now" } ?? "nobody holds it now"
        return "this run lost the apply lock of '\(scope)' (\(now)); it stopped without writing more"
    }
}

/// Another live run holds the lock.
public struct LockHeld: Error, Sendable, Hashable, CustomStringConvertible {
    public var scope: StoreScope
    public var lock: LockInfo

    public init(scope: StoreScope, lock: LockInfo) {
        self.scope = scope
        self.lock = lock
    }

    public var description: String {
        let since = ISO8601DateFormatter().string(from: lock.acquiredAt)
        if lock.isQueuedRun {
            return
                "'\(scope)' is being applied by \(lock.holder) (sheen worker) since \(since); it ends when its last step does"
        }
        let until = ISO8601DateFormatter().string(from: lock.expiresAt)
        return
            "'\(scope)' is being applied by \(lock.holder) since \(since); the lease expires at \(until) if that run died"
    }
}

/// Durable state: the journal of step transitions, the apply lock and circuit-breaker state.
///
/// Every method that writes is one transaction. Implementations: ``InMemoryStateStore`` here, `SQLiteStateStore` in
/// SheenStore; both pass the same contract tests.
public protocol StateStore: Sendable {
    /// Every step row of `scope`, sorted by step id.
    func steps(in scope: StoreScope) async throws -> [StepState]

    /// Every scope with a recorded step, sorted by project then environment.
    func scopes() async throws -> [StoreScope]

    /// One step's row, or nil when it has none: what a worker running that step alone needs.
    func step(_ stepID: String, in scope: StoreScope) async throws -> StepState?

    /// Queues `state` as the step's new row and journal entry, written atomically, and returns at once.
    ///
    /// Submissions become durable in submission order: when a receipt is durable, so is every earlier submission.
    /// With a `fence`, the write commits only if that lease still holds the scope's lock; otherwise the receipt fails
    /// with ``LockLost`` and nothing is written.
    func submit(_ state: StepState, in scope: StoreScope, fence: LockFence?) -> JournalReceipt

    /// Removes a step's row after its resource was deleted, journaling the removal; fenced as ``submit(_:in:fence:)``.
    func remove(_ stepID: String, in scope: StoreScope, at date: Date, fence: LockFence?) async throws

    /// Takes the apply lock of `scope`, or throws ``LockHeld``. A lock that has expired, or whose holder `isStale`
    /// says is dead, is taken over. The returned lease carries a fencing token greater than any earlier grant's.
    func acquireLock(
        _ scope: StoreScope, as holder: LockInfo, isStale: @Sendable (LockInfo) -> Bool
    ) async throws -> LockInfo

    /// Extends a held lock; throws ``LockLost`` if this lease no longer holds it (taken over, or released).
    func renewLock(_ scope: StoreScope, fence: LockFence, until: Date) async throws

    func releaseLock(_ scope: StoreScope, holder: String) async throws

    func breaker(for connection: String) async throws -> CircuitBreaker?
    func saveBreaker(_ breaker: CircuitBreaker, for connection: String) async throws
}

/// A snapshot of a scope's rows, for the planner.
public struct StoreSnapshot: StateSnapshot {
    public let states: [String: StepState]
    public let recordedStepIDs: [String]

    public init(_ states: [StepState]) {
        self.states = Dictionary(states.map { ($0.stepID, $0) }, uniquingKeysWith: { _, last in last })
        self.recordedStepIDs = self.states.keys.sorted()
    }

    public func record(for stepID: String) -> StepRecord? { states[stepID]?.record }
}

extension StateStore {
    public func step(_ stepID: String, in scope: StoreScope) async throws -> StepState? {
        try await steps(in: scope).first { $0.stepID == stepID }
    }

    /// Writes `state` as the step's row and appends the transition to the journal, atomically, and returns once it is
    /// durable.
    public func record(_ state: StepState, in scope: StoreScope, fence: LockFence? = nil) async throws {
        try await submit(state, in: scope, fence: fence).durable()
    }

    public func submit(_ state: StepState, in scope: StoreScope) -> JournalReceipt {
        submit(state, in: scope, fence: nil)
    }

    public func remove(_ stepID: String, in scope: StoreScope, at date: Date) async throws {
        try await remove(stepID, in: scope, at: date, fence: nil)
    }

    public func snapshot(_ scope: StoreScope) async throws -> StoreSnapshot {
        StoreSnapshot(try await steps(in: scope))
    }
}
