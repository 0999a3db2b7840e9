import Foundation
import SheenModel
import SheenPlanner
import SheenSecrets

/// Runs a plan: a ready queue over the graph, a global concurrency bound, token buckets per provider and
/// connection, retries with full-jitter backoff and `Retry-After`, a circuit breaker per connection, per-step
/// timeouts, continue-on-error, and cancellation that leaves a consistent journal.
///
/// Every step is journaled in flight *before* its call and succeeded or failed after it, one transaction each. A
/// step found in flight at the start of a run (the last run died mid-call) is observed before anything is sent
/// again, so resuming never repeats a side effect.
public struct Executor: Sendable {
    public let store: any StateStore
    public let runners: RunnerRegistry
    public let clock: any EngineClock
    public let limiter: RateLimiter
    /// The rate-limit keys a node's calls spend tokens from (its provider, its connection).
    public let rateKeys: @Sendable (Plan.Node) -> [String]
    /// The connection a node's calls go through (`provider/alias`), which keys its circuit breaker; nil for none.
    public let connection: @Sendable (Plan.Node) -> String?
    /// How each node reaches its connection's credentials.
    public let credentials: @Sendable (Plan.Node) -> CredentialAccess
    public let options: ExecutionOptions
    /// Uniform in `[0, 1]`, for backoff jitter.
    public let random: @Sendable () -> Double
    public let events: @Sendable (ExecutionEvent) -> Void

    public init(
        store: any StateStore, runners: RunnerRegistry, clock: any EngineClock = SystemClock(),
        limiter: RateLimiter = RateLimiter(), rateKeys: @escaping @Sendable (Plan.Node) -> [String] = { _ in [] },
        connection: @escaping @Sendable (Plan.Node) -> String? = ConnectionKey.of,
        credentials: @escaping @Sendable (Plan.Node) -> CredentialAccess = { _ in .none },
        options: ExecutionOptions = ExecutionOptions(),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0...1) },
        events: @escaping @Sendable (ExecutionEvent) -> Void = { _ in }
    ) {
        self.store = store
        self.runners = runners
        self.clock = clock
        self.limiter = limiter
        self.rateKeys = rateKeys
        self.connection = connection
        self.credentials = credentials
        self.options = options
        self.random = random
        self.events = events
    }

    private enum Outcome: Sendable {
        /// The call succeeded; `durable` completes when its journal entry is committed.
        case succeeded(reconciled: Bool, durable: JournalReceipt?)
        case failed(StepFailure)
        case cancelled
        /// The journal refused or failed a write (lost lease, disk error): the run must stop, and say why.
        case journalFailed(any Error)
    }

    // MARK: Apply

    /// Applies `plan` to `scope`. The caller holds the scope's ``ApplyLock`` and passes its fence, which every journal
    /// write carries. A journal write that fails stops the run: this throws that error once running calls settle.
    ///
    /// `previous` is the scope's recorded rows when the caller has them already (a worker running one step passes that
    /// step's row); otherwise they are read here.
    public func apply(
        _ plan: Plan, scope: StoreScope, fence: LockFence? = nil, previous known: [StepState]? = nil
    ) async throws -> ExecutionReport {
        let started = ContinuousClock.now
        let callsBefore = await callCounter.value
        var rows = known ?? []
        if known == nil { rows = try await store.steps(in: scope) }
        let previous = Dictionary(rows.map { ($0.stepID, $0) }, uniquingKeysWith: { _, last in last })
        let breakers = BreakerBoard(store: store)
        var report = ExecutionReport()

        let graph = plan.nodes.filter { $0.action != .delete }
        let deletions = plan.nodes.filter { $0.action == .delete }
        let index = Dictionary(uniqueKeysWithValues: graph.enumerated().map { ($0.element.id, $0.offset) })
        var dependents = [[Int]](repeating: [], count: graph.count)
        var remaining = [Int](repeating: 0, count: graph.count)
        for (position, node) in graph.enumerated() {
            for dependency in node.dependsOn {
                guard let target = index[dependency] else { continue }
                dependents[target].append(position)
                remaining[position] += 1
            }
        }
        // Nothing to call for unchanged steps and checklist sinks: they count as done at once.
        var ready: [Int] = []
        var settled = [Bool](repeating: false, count: graph.count)
        func settle(_ position: Int) -> [Int] {
            settled[position] = true
            var next: [Int] = []
            for dependent in dependents[position] {
                remaining[dependent] -= 1
                if remaining[dependent] == 0 { next.append(dependent) }
            }
            return next
        }
        var toRun = 0
        var frontier = (0..<graph.count).filter { remaining[$0] == 0 }
        while let position = frontier.popLast() {
            if needsRun(graph[position]) {
                ready.append(position)
                toRun += 1
            } else {
                if graph[position].action == .noop { report.unchanged += 1 }
                frontier += settle(position)
            }
        }
        toRun += graph.indices.count { remaining[$0] > 0 && needsRun(graph[$0]) }
        events(.started(total: plan.nodes.count { $0.role != .checklist }, toRun: toRun + deletions.count))
        ready.sort { graph[$0].id > graph[$1].id }  // popLast takes the smallest id first: a stable order

        var stopping = false
        var journalError: (any Error)?
        var receipts: [JournalReceipt] = []
        await withTaskGroup(of: (Int, Outcome).self) { group in
            var running = 0
            func launch() {
                while running < options.parallelism, !stopping, !Task.isCancelled, let position = ready.popLast() {
                    let node = graph[position]
                    running += 1
                    group.addTask {
                        (
                            position,
                            await run(node, previous: previous[node.id], scope: scope, fence: fence, breakers: breakers)
                        )
                    }
                }
            }
            launch()
            while let (position, outcome) = await group.next() {
                running -= 1
                let node = graph[position]
                switch outcome {
                case .succeeded(let reconciled, let durable):
                    // Dependents start now: their own in-flight entry commits no earlier than this success (the
                    // store commits in submission order), so they still never run on a success that is not durable.
                    if let durable { receipts.append(durable) }
                    if node.role == .step {
                        report.succeeded.append(node.id)
                        if reconciled { report.reconciled.append(node.id) }
                    }
                    var next: [Int] = []
                    for dependent in settle(position) {
                        if needsRun(graph[dependent]) { next.append(dependent) } else { next += settleChain(dependent) }
                    }
                    ready += next.sorted { graph[$0].id > graph[$1].id }
                case .failed(let failure):
                    report.failed[node.id] = failure
                    do {
                        report.skipped += try await skip(
                            dependentsOf: position, in: graph, dependents: dependents, settled: &settled,
                            previous: previous, scope: scope, fence: fence, because: node.id)
                    } catch {
                        journalError = journalError ?? error
                        stopping = true
                    }
                    if !options.continueOnError { stopping = true }
                case .cancelled:
                    report.cancelled = true
                    stopping = true
                case .journalFailed(let error):
                    journalError = journalError ?? error
                    stopping = true
                }
                launch()
            }
            func settleChain(_ position: Int) -> [Int] {
                // A dependent with nothing to run (a checklist sink) settles at once and passes readiness on.
                var result: [Int] = []
                var stack = [position]
                while let current = stack.popLast() {
                    for next in settle(current) {
                        if needsRun(graph[next]) { result.append(next) } else { stack.append(next) }
                    }
                }
                return result
            }
        }
        if Task.isCancelled { report.cancelled = true }
        for receipt in receipts { try await receipt.durable() }
        if let journalError { throw journalError }

        if !stopping, !report.cancelled {
            for level in Set(deletions.map { previous[$0.id]?.level ?? 0 }).sorted(by: >) {
                let batch = deletions.filter { (previous[$0.id]?.level ?? 0) == level }
                report.merge(try await delete(batch, previous: previous, scope: scope, fence: fence))
            }
        }
        report.calls = await callCounter.value - callsBefore
        report.duration = ContinuousClock.now - started
        events(.finished(report))
        return report
    }

    // MARK: Destroy

    /// Deletes everything recorded for `scope`, deepest level first. The caller holds the scope's ``ApplyLock``.
    public func destroy(scope: StoreScope, fence: LockFence? = nil) async throws -> ExecutionReport {
        let started = ContinuousClock.now
        let callsBefore = await callCounter.value
        var states = try await store.steps(in: scope)
        var report = ExecutionReport()
        // A step never attempted, or refused before any call (no adapter), made nothing: its record goes, no call.
        for state in states where !state.created && Self.madeNothing(state) {
            try await store.remove(state.stepID, in: scope, at: clock.now(), fence: fence)
            report.unchanged += 1
        }
        states.removeAll { !$0.created && Self.madeNothing($0) }
        let previous = Dictionary(uniqueKeysWithValues: states.map { ($0.stepID, $0) })
        events(.started(total: states.count, toRun: states.count))
        for level in Set(states.map(\.level)).sorted(by: >) {
            let batch = states.filter { $0.level == level }.map { state in
                Plan.Node(
                    id: state.stepID, role: .step, kind: state.kind, slot: nil, provider: state.provider, title: nil,
                    dependsOn: [], level: state.level, action: .delete, reason: .notInPlan, inputHash: state.inputHash,
                    outputs: [])
            }
            report.merge(try await delete(batch, previous: previous, scope: scope, fence: fence))
            if report.cancelled { break }
        }
        report.calls = await callCounter.value - callsBefore
        report.duration = ContinuousClock.now - started
        events(.finished(report))
        return report
    }

    /// Skipped or pending steps never ran, and a step refused as unsupported never called anyone.
    static func madeNothing(_ state: StepState) -> Bool {
        state.status == .skipped || state.status == .pending
            || (state.status == .failed && state.errorClass == "unsupported")
    }

    private func delete(
        _ nodes: [Plan.Node], previous: [String: StepState], scope: StoreScope, fence: LockFence?
    ) async throws -> ExecutionReport {
        var report = ExecutionReport()
        var journalError: (any Error)?
        let breakers = BreakerBoard(store: store)
        var queue = nodes.sorted { $0.id > $1.id }
        await withTaskGroup(of: (String, Outcome).self) { group in
            var running = 0
            func launch() {
                while running < options.parallelism, !Task.isCancelled, journalError == nil,
                    let node = queue.popLast()
                {
                    running += 1
                    group.addTask {
                        (
                            node.id,
                            await run(node, previous: previous[node.id], scope: scope, fence: fence, breakers: breakers)
                        )
                    }
                }
            }
            launch()
            while let (id, outcome) = await group.next() {
                running -= 1
                switch outcome {
                case .succeeded: report.succeeded.append(id)
                case .failed(let failure): report.failed[id] = failure
                case .cancelled: report.cancelled = true
                case .journalFailed(let error): journalError = journalError ?? error
                }
                launch()
            }
        }
        if let journalError { throw journalError }
        return report
    }

    // MARK: One step

    private func needsRun(_ node: Plan.Node) -> Bool { Self.needsRun(node) }

    /// Whether `node` makes a call: unchanged steps and checklist sinks settle without one.
    static func needsRun(_ node: Plan.Node) -> Bool {
        switch node.role {
        case .checklist: false
        case .preflight: true
        case .step: node.action != nil && node.action != .noop
        }
    }

    private let callCounter = CallCounter()

    private func run(
        _ node: Plan.Node, previous: StepState?, scope: StoreScope, fence: LockFence?, breakers: BreakerBoard
    ) async -> Outcome {
        do {
            return try await attempt(node, previous: previous, scope: scope, fence: fence, breakers: breakers)
        } catch is CancellationError {
            return .cancelled
        } catch let failure as StepFailure {
            events(.stepFailed(id: node.id, failure: failure))
            return .failed(failure)
        } catch {
            // Not the step's failure but the journal's (or the breaker store's): the step's outcome is unrecorded, so
            // the run stops rather than build on it.
            events(.stepFailed(id: node.id, failure: StepFailure(.invalid, message: "journal: \(error)")))
            return .journalFailed(error)
        }
    }

    private func attempt(
        _ node: Plan.Node, previous: StepState?, scope: StoreScope, fence: LockFence?, breakers: BreakerBoard
    ) async throws -> Outcome {
        let action = node.action ?? .create
        let journaled = node.role == .step
        // An unfinished attempt recorded under the previous key derivation keeps its key, so the provider sees the
        // same request again and the observe-first rule below still applies to it.
        let unfinished = previous?.status == .inFlight || previous?.status == .failed
        let key = IdempotencyKey.resolve(
            project: scope.project, environment: scope.environment.rawValue, stepID: node.id, inputHash: node.inputHash,
            previousKey: unfinished ? previous?.idempotencyKey : nil)
        var fingerprint = StableHasher()
        fingerprint.combine(node.kind, action.rawValue, node.inputHash, key)
        let secretOutputs = Set(node.outputs.filter(\.secret).map(\.name))
        var attempts = previous?.status == .succeeded ? 0 : (previous?.attempts ?? 0)
        // The last run died mid-call, or its last attempt failed in a way that may still have landed (a timeout, a
        // 5xx after the provider acted): look before sending the same request again.
        var mustObserve = unfinished && previous?.idempotencyKey == key
        var state = StepState(
            stepID: node.id, kind: node.kind, provider: node.provider, status: .inFlight, inputHash: node.inputHash,
            idempotencyKey: key, requestFingerprint: fingerprint.hexDigest, attempts: attempts,
            outputs: previous?.outputs ?? [:], externalID: previous?.externalID, level: node.level,
            updatedAt: clock.now(), created: previous?.created ?? false)

        guard let runner = runners.runner(for: node.kind) else {
            let failure = StepFailure(.unsupported, message: "no adapter implements step kind '\(node.kind)' yet")
            if journaled { try await journal(&state, .failed, failure: failure, scope: scope, fence: fence) }
            events(.stepFailed(id: node.id, failure: failure))
            return .failed(failure)
        }
        let connection = connection(node)
        let access = credentials(node)
        for attemptNumber in 1...options.retry.maxAttempts {
            try Task.checkCancellation()
            while let wait = try await limiter.acquire(rateKeys(node), now: clock.now()) {
                events(.rateLimited(id: node.id, wait: wait))
                try await clock.sleep(for: wait)
            }
            attempts += 1
            let context = StepContext(
                stepID: node.id, kind: node.kind, provider: node.provider, environment: scope.environment,
                inputs: node.inputs, connection: connection, inputHash: node.inputHash, idempotencyKey: key,
                previousOutputs: previous?.outputs ?? [:],
                externalID: previous?.externalID, attempt: attempts, clock: clock, credentials: access)
            events(.stepStarted(id: node.id, action: action, attempt: attempts))
            let began = ContinuousClock.now
            do {
                if let connection,
                    case .refuse(let retryAt) = try await breakers.beforeCall(connection, now: clock.now())
                {
                    throw StepFailure(
                        .circuitOpen(retryAt: retryAt),
                        message: "the circuit for \(connection) is open after repeated failures")
                }
                state.attempts = attempts
                if journaled { try await journal(&state, .inFlight, scope: scope, fence: fence) }
                let observeFirst = mustObserve
                // The attempt's first request spent the token above; the budget meters the adapter's others.
                let budget = RequestBudget(
                    limiter: limiter, keys: rateKeys(node), clock: clock,
                    waited: { [events] wait in events(.rateLimited(id: node.id, wait: wait)) })
                let (result, reconciled) = try await withTimeout(options.stepTimeout) {
                    try await RequestBudget.$current.withValue(budget) {
                        try await call(
                            runner, action: action, context: context, observeFirst: observeFirst, previous: previous)
                    }
                }
                if let connection { try await breakers.record(connection, success: true, now: clock.now()) }
                state.outputs = result.outputs.filter { !secretOutputs.contains($0.key) }
                state.externalID = result.externalID ?? state.externalID
                var durable: JournalReceipt?
                if journaled {
                    if action == .delete {
                        try await store.remove(node.id, in: scope, at: clock.now(), fence: fence)
                    } else {
                        state.status = .succeeded
                        state.created = true
                        state.errorClass = nil
                        state.errorMessage = nil
                        state.updatedAt = clock.now()
                        durable = store.submit(state, in: scope, fence: fence)
                    }
                }
                events(
                    .stepSucceeded(
                        id: node.id, action: action, reconciled: reconciled, duration: ContinuousClock.now - began))
                return .succeeded(reconciled: reconciled, durable: durable)
            } catch let raw as StepFailure {
                // Whatever the adapter put in its message, no credential it was handed reaches the journal or events.
                let failure = raw.redacted(Redactor(secrets: access.revealed))
                if let connection, failure.tripsBreaker {
                    try await breakers.record(connection, success: false, now: clock.now())
                }
                mustObserve = true
                guard failure.isRetryable, attemptNumber < options.retry.maxAttempts else {
                    if journaled { try await journal(&state, .failed, failure: failure, scope: scope, fence: fence) }
                    throw failure
                }
                var retryAfter: Duration?
                if case .http(_, let value?) = failure.kind { retryAfter = RetryAfter.parse(value, now: clock.now()) }
                if case .circuitOpen(let retryAt) = failure.kind {
                    // Rounded up: waking a millisecond early would only meet the same refusal.
                    retryAfter = .milliseconds(
                        Int64((max(0, retryAt.timeIntervalSince(clock.now())) * 1000).rounded(.up)) + 1)
                }
                let wait = options.retry.delay(afterAttempt: attemptNumber, retryAfter: retryAfter, unit: random())
                events(.retryScheduled(id: node.id, attempt: attempts, wait: wait, failure: failure))
                try await clock.sleep(for: wait)
            }
        }
        throw StepFailure(.invalid, message: "retries exhausted")  // unreachable: the last attempt throws above
    }

    private func call(
        _ runner: any StepRunner, action: StepAction, context: StepContext, observeFirst: Bool, previous: StepState?
    ) async throws -> (StepResult, Bool) {
        if observeFirst, action != .delete {
            await callCounter.increment()
            if let found = try await runner.observe(context) { return (found, true) }
        }
        await callCounter.increment()
        switch action {
        case .create, .noop:
            return (try await runner.create(context), false)
        case .update:
            return (try await runner.update(context), false)
        case .replace:
            if previous?.created == true {
                try await runner.delete(context)
                await callCounter.increment()
            }
            return (try await runner.create(context), false)
        case .delete:
            try await runner.delete(context)
            return (StepResult(), false)
        }
    }

    private func journal(
        _ state: inout StepState, _ status: StepRecord.Status, failure: StepFailure? = nil, scope: StoreScope,
        fence: LockFence?
    ) async throws {
        state.status = status
        state.errorClass = failure?.errorClass
        state.errorMessage = failure.map { failure in
            // A waiting step keeps what the person must do next, for `sheen plan` and `sheen state show`.
            if case .waiting(let next) = failure.kind { return "\(failure.message); next: \(next)" }
            return failure.message
        }
        state.updatedAt = clock.now()
        try await store.record(state, in: scope, fence: fence)
    }

    /// Marks every dependent of a failed node skipped. Only a step with no row, or one that never ran, is journaled
    /// `skipped`: a success keeps its outputs and external id, an in-flight row keeps the reason to observe first, and
    /// a failure keeps its cause, so a skip can never make a later run create a resource twice.
    private func skip(
        dependentsOf position: Int, in graph: [Plan.Node], dependents: [[Int]], settled: inout [Bool],
        previous: [String: StepState], scope: StoreScope, fence: LockFence?, because cause: String
    ) async throws -> [String] {
        var skipped: [String] = []
        var stack = dependents[position]
        while let current = stack.popLast() {
            guard !settled[current] else { continue }
            settled[current] = true
            let node = graph[current]
            if node.role == .step, needsRun(node) {
                skipped.append(node.id)
                events(.stepSkipped(id: node.id, because: cause))
                if [nil, .skipped, .pending].contains(previous[node.id]?.status) {
                    let state = StepState(
                        stepID: node.id, kind: node.kind, provider: node.provider, status: .skipped,
                        inputHash: node.inputHash,
                        idempotencyKey: IdempotencyKey.make(
                            project: scope.project, environment: scope.environment.rawValue, stepID: node.id,
                            inputHash: node.inputHash),
                        requestFingerprint: "", attempts: 0, errorClass: "dependency-failed",
                        errorMessage: "'\(cause)' failed", level: node.level, updatedAt: clock.now())
                    try await store.record(state, in: scope, fence: fence)
                }
            }
            stack += dependents[current]
        }
        return skipped.sorted()
    }
}

/// Counts adapter calls, so a no-op apply can prove it made none.
actor CallCounter {
    private(set) var value = 0
    func increment() { value += 1 }
}

/// Runs `body`, failing with a timeout ``StepFailure`` if it takes longer than `limit` of wall-clock time.
func withTimeout<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            throw StepFailure(.timeout, message: "no answer within \(limit)")
        }
        return value
    }
}

extension ExecutionReport {
    mutating func merge(_ other: ExecutionReport) {
        succeeded += other.succeeded
        reconciled += other.reconciled
        failed.merge(other.failed) { first, _ in first }
        skipped += other.skipped
        cancelled = cancelled || other.cancelled
    }
}
