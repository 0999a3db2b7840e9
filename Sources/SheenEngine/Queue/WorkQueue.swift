import Foundation
import SheenPlanner

/// Plans handed to `sheen worker`s: each run is one plan of one scope, split into steps that any worker may claim once
/// their dependencies are done. A claim is a lease the worker renews while it works; a worker that dies stops
/// renewing, and once the lease lapses another worker claims the step again (its journal says what the first one got
/// to, so nothing is done twice). Journal writes carry the claim (``ClaimFence``), so a worker whose claim was taken
/// over can never commit.
///
/// `PostgresStore` implements it; the lease clock is the database's, so workers' clocks may disagree.
public protocol WorkQueue: Sendable {
    /// Queues `run` for `scope`, holding the scope's apply lock for it until its last step settles, so no other apply
    /// of the scope runs meanwhile. Throws ``LockHeld`` when a live run holds the lock (one that expired by `now`, or
    /// that `isStale` says died, is taken over, as ``StateStore/acquireLock(_:as:isStale:)`` does).
    func enqueue(
        _ run: QueuedPlan, scope: StoreScope, now: Date, isStale: @Sendable (LockInfo) -> Bool
    ) async throws -> Int64

    /// Claims up to `limit` ready steps of any run, oldest run first, for `worker`, under a lease of `lease`; steps
    /// whose claim lapsed (their worker died) come before any ready step. With `orphansOnly` it takes only those.
    /// Claims racing workers make never overlap.
    func claim(worker: String, limit: Int, lease: Duration, orphansOnly: Bool) async throws -> [StepClaim]

    /// Extends each of `claims` the worker still holds by `lease`; returns those it still holds (one it lost to another
    /// worker is missing, and its work must stop).
    func heartbeat(_ claims: [StepClaim], lease: Duration) async throws -> Set<StepClaim.Key>

    /// Gives `claims` back unfinished (the worker is stopping, or could not run them), so any worker may claim them at
    /// once instead of after their lease.
    func release(_ claims: [StepClaim]) async throws

    /// Records how a claimed step ended and readies the steps that were waiting on it (a failure skips its dependents
    /// instead). The last step of a run finishes the run and releases its scope. `false` when the claim was lost: the
    /// step is another worker's now, and nothing is recorded.
    func complete(_ claim: StepClaim, outcome: StepClaim.Outcome) async throws -> Bool

    /// The plan document a run was queued with.
    func plan(ofRun run: Int64) async throws -> String

    /// Where a run stands, or nil for an unknown id.
    func run(_ id: Int64) async throws -> RunProgress?

    /// Fired when steps may have become ready anywhere in the queue (nil: poll only).
    func workSignal() -> WorkSignal?
}

/// A plan split for the queue: the document workers run it from, and each step that needs a call with the steps it
/// waits on.
public struct QueuedPlan: Sendable, Hashable {
    public struct Step: Sendable, Hashable {
        public var id: String
        public var waitsOn: [String]

        public init(id: String, waitsOn: [String]) {
            self.id = id
            self.waitsOn = waitsOn
        }
    }

    /// The plan document (`sheen plan --json`): workers rebuild the plan from it.
    public var document: String
    public var steps: [Step]
    public var continueOnError: Bool

    public init(document: String, steps: [Step], continueOnError: Bool) {
        self.document = document
        self.steps = steps
        self.continueOnError = continueOnError
    }

    /// `plan`'s steps as the queue runs them, mirroring ``Executor``: unchanged steps and checklist sinks need no call
    /// and are left out, a step waits on the nearest steps above it that do need one, and deletions go last, deepest
    /// level first (`levels` gives each deleted step's recorded level).
    public static func steps(of plan: Plan, deletedLevels levels: [String: Int]) -> [Step] {
        let nodes = Dictionary(plan.nodes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var nearest: [String: [String]] = [:]
        func waits(_ id: String) -> [String] {
            if let known = nearest[id] { return known }
            var found: [String] = []
            for dependency in nodes[id]?.dependsOn ?? [] {
                guard let node = nodes[dependency], node.action != .delete else { continue }
                found += Executor.needsRun(node) ? [dependency] : waits(dependency)
            }
            let unique = Array(Set(found)).sorted()
            nearest[id] = unique
            return unique
        }
        let graph = plan.nodes.filter { $0.action != .delete && Executor.needsRun($0) }
        var steps = graph.map { Step(id: $0.id, waitsOn: waits($0.id)) }
        let deletions = plan.nodes.filter { $0.action == .delete }
        for node in deletions {
            let level = levels[node.id] ?? 0
            let deeper = deletions.filter { (levels[$0.id] ?? 0) > level }.map(\.id)
            steps.append(Step(id: node.id, waitsOn: (graph.map(\.id) + deeper).sorted()))
        }
        return steps
    }
}

/// One worker's claim on one step.
public struct StepClaim: Sendable, Hashable {
    public struct Key: Sendable, Hashable {
        public var run: Int64
        public var stepID: String

        public init(run: Int64, stepID: String) {
            self.run = run
            self.stepID = stepID
        }
    }

    public enum Outcome: Sendable, Hashable {
        case succeeded
        case failed(String)
    }

    public var run: Int64
    public var stepID: String
    public var scope: StoreScope
    public var worker: String
    /// The fence the step's journal writes carry: the run's hold on the scope, and this claim.
    public var fence: LockFence
    /// Whether another worker held it before (its claim lapsed).
    public var reclaimed: Bool

    public init(run: Int64, stepID: String, scope: StoreScope, worker: String, fence: LockFence, reclaimed: Bool) {
        self.run = run
        self.stepID = stepID
        self.scope = scope
        self.worker = worker
        self.fence = fence
        self.reclaimed = reclaimed
    }

    public var key: Key { Key(run: run, stepID: stepID) }
}

/// Where a queued run stands.
public struct RunProgress: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        case running, succeeded, failed
    }

    public struct Step: Sendable, Hashable {
        public var id: String
        /// `blocked`, `ready`, `claimed`, `succeeded`, `failed` or `skipped`.
        public var status: String
        public var claims: Int
        public var worker: String?
        public var error: String?

        public init(id: String, status: String, claims: Int, worker: String?, error: String?) {
            self.id = id
            self.status = status
            self.claims = claims
            self.worker = worker
            self.error = error
        }
    }

    public var id: Int64
    public var scope: StoreScope
    public var status: Status
    public var steps: [Step]

    public init(id: Int64, scope: StoreScope, status: Status, steps: [Step]) {
        self.id = id
        self.scope = scope
        self.status = status
        self.steps = steps
    }

    public var isFinished: Bool { status != .running }
}
