import Foundation
import SheenEngine
import SheenModel
import SheenPlanner
import SheenWebhooks
import Synchronization

/// `sheen worker`: claims ready steps of any queued run, runs each through the same executor, runners, rate limits,
/// breakers and journal as `sheen apply` (one step at a time, fenced by its claim), and reports how it ended so the
/// steps that waited on it become ready. Claims are leases, renewed every heartbeat; a claim this worker loses (it was
/// paused past its lease and another worker took the step) stops that step's work, and its fence keeps anything still
/// in flight from committing.
public struct WorkerService: Sendable {
    public struct Options: Sendable {
        /// Steps run at once by this worker.
        public var concurrency: Int
        /// How long a claim holds without a heartbeat; a dead worker's steps are claimed again once it lapses.
        public var lease: Duration
        /// How often held claims are renewed (a third of the lease by default: two missed beats still hold).
        public var heartbeat: Duration
        /// How long an idle worker waits before asking for work again.
        public var poll: Duration
        /// Where `recipe.env-file` steps write a project's `.env.<environment>` (`<root>/<project>/`); without it the
        /// step has no runner on a worker and fails, saying so.
        public var projectRoot: String?

        public init(
            concurrency: Int = 4, lease: Duration = .seconds(30), heartbeat: Duration = .seconds(10),
            poll: Duration = .milliseconds(500), projectRoot: String? = nil
        ) {
            self.concurrency = concurrency
            self.lease = lease
            self.heartbeat = heartbeat
            self.poll = poll
            self.projectRoot = projectRoot
        }
    }

    /// What the worker did, for its log and progress lines.
    public enum Event: Sendable {
        case claimed(StepClaim)
        case finished(StepClaim, StepClaim.Outcome, duration: Duration)
        /// Another worker holds the step now; this one stopped working on it.
        case lost(StepClaim)
        /// The step could not be run here (the store failed); its claim was given back for another try.
        case released(StepClaim, String)
    }

    public let queue: any WorkQueue
    public let store: any StateStore
    public let catalog: Catalog
    public let connections: ConnectionService
    public let events: (any EventStore)?
    public let settings: ApplySettings
    /// This worker's name in claims: process, host and a random tag, so a restarted process is a new worker.
    public let name: String

    public init(
        queue: any WorkQueue, store: any StateStore, catalog: Catalog, connections: ConnectionService,
        events: (any EventStore)? = nil, settings: ApplySettings = ApplySettings(), name: String? = nil
    ) {
        self.queue = queue
        self.store = store
        self.catalog = catalog
        self.connections = connections
        self.events = events
        self.settings = settings
        self.name =
            name
            ?? "worker \(ProcessInfo.processInfo.processIdentifier)@\(ApplyLock.host)/\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Works until cancelled (a signal), or until `idleExit` passes with nothing to claim. Steps in progress when it
    /// is cancelled stop where their journal says; their claims lapse and another worker picks them up.
    public func run(
        _ options: Options, idleExit: Duration? = nil, report: @escaping @Sendable (Event) -> Void = { _ in }
    ) async throws {
        let runners = ApplyService.builtInRunners(settings, catalog: catalog, events: events)
        let runs = RunCache()
        let active = ActiveClaims()
        var ended: (any Error)?
        do {
            try await loops(options, idleExit: idleExit, active: active, runs: runs, runners: runners, report: report)
        } catch {
            ended = error
        }
        // Steps stop where their journal says; their claims go back at once rather than after the lease. Detached:
        // this task is cancelled (a signal), and the release must still reach the database.
        let stopped = await active.stopAll()
        let queue = queue
        await Task.detached { try? await queue.release(stopped) }.value
        if let ended, !(ended is CancellationError) { throw ended }
    }

    /// The heartbeat and the claim loop, until the first of them ends.
    private func loops(
        _ options: Options, idleExit: Duration?, active: ActiveClaims, runs: RunCache, runners: RunnerRegistry,
        report: @escaping @Sendable (Event) -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                while true {
                    try await Task.sleep(for: options.heartbeat)
                    let running = active.claims
                    let held = try await queue.heartbeat(running, lease: options.lease)
                    for claim in active.cancel(running.filter { !held.contains($0.key) }) { report(.lost(claim)) }
                }
            }
            group.addTask {
                var idleSince = ContinuousClock.now
                let signal = queue.workSignal()
                while !Task.isCancelled {
                    let seen = signal?.generation ?? 0
                    // One slot beyond the concurrency is kept for orphans (steps of a worker that died), so their
                    // takeover waits for no busy step here: it stays within the lease and one poll.
                    let running = active.count
                    let full = running >= options.concurrency
                    guard running <= options.concurrency else {
                        await active.waitForRoom(timeout: options.poll)
                        continue
                    }
                    let claims = try await queue.claim(
                        worker: name, limit: full ? 1 : options.concurrency - running, lease: options.lease,
                        orphansOnly: full)
                    if full, claims.isEmpty {
                        await active.waitForRoom(timeout: options.poll)
                        continue
                    }
                    if claims.isEmpty {
                        if let idleExit, active.count == 0, ContinuousClock.now - idleSince >= idleExit { return }
                        // Woken as soon as a step may be ready; the poll still finds claims that lapsed.
                        if let signal {
                            await signal.wait(after: seen, timeout: options.poll)
                            try Task.checkCancellation()
                        } else {
                            try await Task.sleep(for: options.poll)
                        }
                        continue
                    }
                    idleSince = ContinuousClock.now
                    for claim in claims {
                        report(.claimed(claim))
                        active.start(claim) {
                            let started = ContinuousClock.now
                            do {
                                let outcome = try await execute(claim, options: options, runners: runners, runs: runs)
                                guard !Task.isCancelled else { return }
                                if try await queue.complete(claim, outcome: outcome) {
                                    report(.finished(claim, outcome, duration: ContinuousClock.now - started))
                                } else {
                                    report(.lost(claim))
                                }
                            } catch is LockLost {
                                report(.lost(claim))
                            } catch is CancellationError {
                                return
                            } catch {
                                try? await queue.release([claim])
                                report(.released(claim, "\(error)"))
                            }
                        }
                    }
                }
            }
            // The first loop to end (the idle exit, a cancellation, a store error) ends the worker.
            defer { group.cancelAll() }
            _ = try await group.next()
        }
    }

    /// Runs one claimed step: the executor over a plan of that step alone, under the claim's fence.
    func execute(
        _ claim: StepClaim, options: Options, runners: RunnerRegistry, runs: RunCache
    ) async throws -> StepClaim.Outcome {
        let run = try await runs.run(claim.run) { try await prepare(claim, options: options, runners: runners) }
        guard var node = run.plan.nodes.first(where: { $0.id == claim.stepID }) else {
            return .failed("'\(claim.stepID)' is not in run \(claim.run)'s plan")
        }
        // Claimed again after a worker died between its journal's success and the queue's: already done.
        let previous = try await store.step(node.id, in: claim.scope)
        if Self.alreadyDone(node, previous) { return .succeeded }
        node.dependsOn = []
        var single = run.plan
        single.nodes = [node]
        let report = try await run.executor.apply(
            single, scope: claim.scope, fence: claim.fence, previous: previous.map { [$0] } ?? [])
        if report.cancelled { throw CancellationError() }
        if let failure = report.failed[node.id] { return .failed(failure.message) }
        return .succeeded
    }

    /// What every step of a run shares: its plan, decoded once, and an executor bound to its project's connections,
    /// read once (credentials themselves are still read per call, so a rotation mid-run is seen).
    private func prepare(_ claim: StepClaim, options: Options, runners: RunnerRegistry) async throws -> RunCache.Run {
        let text = try await queue.plan(ofRun: claim.run)
        let plan = try JSONDecoder().decode(PlanDocument.self, from: Data(text.utf8)).plan
        var settings = settings
        settings.parallelism = 1
        settings.projectDirectory = options.projectRoot.map {
            ($0 as NSString).appendingPathComponent(claim.scope.project)
        }
        if let directory = settings.projectDirectory {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let bound = try await connections.connections(project: claim.scope.project, declared: [])
        let apply = ApplyService(
            store: store, catalog: catalog, settings: settings, runners: runners, connections: connections,
            events: events)
        return RunCache.Run(
            plan: plan, executor: apply.executor(environment: claim.scope.environment, connections: bound, plan: plan))
    }

    /// Whether the journal already holds what `node` was to do.
    static func alreadyDone(_ node: Plan.Node, _ previous: StepState?) -> Bool {
        if node.action == .delete { return previous == nil }
        return node.role == .step && previous?.status == .succeeded && previous?.inputHash == node.inputHash
    }
}

/// The prepared runs this worker has claimed from, the most recent few kept so a long-lived worker does not grow.
actor RunCache {
    struct Run: Sendable {
        let plan: Plan
        let executor: Executor
    }

    static let capacity = 64
    private var runs: [Int64: Run] = [:]
    private var order: [Int64] = []

    /// The run `id`, prepared with `make` on first use. Two steps of a new run may both prepare it; either result
    /// serves.
    func run(_ id: Int64, make: @Sendable () async throws -> Run) async throws -> Run {
        if let run = runs[id] { return run }
        let run = try await make()
        if runs[id] == nil { order.append(id) }
        runs[id] = run
        if order.count > Self.capacity { runs[order.removeFirst()] = nil }
        return run
    }
}

/// The steps this worker is running, each a task the heartbeat can cancel when its claim is lost.
final class ActiveClaims: Sendable {
    private let state = Mutex<
        (tasks: [StepClaim.Key: (StepClaim, Task<Void, Never>)], waiters: [UUID: CheckedContinuation<Void, Never>])
    >(([:], [:]))

    var count: Int { state.withLock { $0.tasks.count } }

    func start(_ claim: StepClaim, _ body: @escaping @Sendable () async -> Void) {
        state.withLock { value in
            let task = Task {
                await body()
                self.finish(claim.key)
            }
            value.tasks[claim.key] = (claim, task)
        }
    }

    private func finish(_ key: StepClaim.Key) {
        let waiters = state.withLock { value -> [CheckedContinuation<Void, Never>] in
            value.tasks[key] = nil
            defer { value.waiters = [:] }
            return Array(value.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Waits until a running step finishes, or `timeout` passes.
    func waitForRoom(timeout: Duration) async {
        let id = UUID()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let full = self.state.withLock { value -> Bool in
                        guard !value.tasks.isEmpty else { return false }
                        value.waiters[id] = continuation
                        return true
                    }
                    if !full { continuation.resume() }
                }
            }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            // Whichever came first, the other must not outlive this wait.
            self.state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
            group.cancelAll()
        }
    }

    var claims: [StepClaim] { state.withLock { $0.tasks.values.map(\.0) } }

    /// Cancels the steps of `lost` claims, and returns the ones that were running.
    func cancel(_ lost: [StepClaim]) -> [StepClaim] {
        let running = state.withLock { value in lost.compactMap { value.tasks[$0.key] } }
        for (_, task) in running { task.cancel() }
        return running.map(\.0)
    }

    /// Cancels every running step and waits for each to stop; returns their claims.
    func stopAll() async -> [StepClaim] {
        let running = state.withLock { Array($0.tasks.values) }
        for (_, task) in running { task.cancel() }
        for (_, task) in running { await task.value }
        return running.map(\.0)
    }
}
