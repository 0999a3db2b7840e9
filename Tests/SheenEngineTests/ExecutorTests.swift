import Foundation
import SheenEngine
import SheenModel
import SheenPlanner
import SheenTestSupport
import Synchronization
import Testing

@Suite("Executor")
struct ExecutorTests {
    let scope = StoreScope(project: "t", environment: .dev)

    static func plan(_ edges: [(String, [String])], state: any StateSnapshot = InMemoryStateSnapshot()) throws -> Plan {
        try PlanBuilder(catalog: Catalog()).plan(
            dag: NeutralDAG(name: "t", nodes: edges.map { NeutralDAG.Node(id: $0.0, deps: $0.1) }), state: state)
    }

    func executor(
        _ store: any StateStore, _ runner: ScriptedRunner, clock: MockClock = MockClock(),
        options: ExecutionOptions = ExecutionOptions(), limiter: RateLimiter = RateLimiter(),
        rateKeys: @escaping @Sendable (Plan.Node) -> [String] = { _ in [] }
    ) -> Executor {
        Executor(
            store: store, runners: RunnerRegistry(["sheen.data": runner]), clock: clock, limiter: limiter,
            rateKeys: rateKeys, options: options, random: { 1 })
    }

    @Test("runs every step once, dependencies first, journaling in-flight before each call")
    func order() async throws {
        let store = InMemoryStateStore()
        let runner = ScriptedRunner()
        let report = try await executor(store, runner, options: .init(parallelism: 1)).apply(
            try Self.plan([("a", []), ("b", ["a"]), ("c", ["b"]), ("d", [])]), scope: scope)
        #expect(report.ok)
        #expect(report.succeeded.sorted() == ["a", "b", "c", "d"])
        let order = runner.calls.compactMap { call -> String? in if case .create(let id) = call { id } else { nil } }
        #expect(order.count == 4)
        let position = { (id: String) in order.firstIndex(of: id) ?? -1 }
        #expect(position("a") < position("b") && position("b") < position("c"))
        let journal = store.journal.filter { $0.stepID == "b" }.map(\.status)
        #expect(journal == ["in-flight", "succeeded"])
    }

    @Test("a 503 with Retry-After is retried after the provider's wait, with the same idempotency key")
    func retryAfter() async throws {
        let store = InMemoryStateStore()
        let runner = ScriptedRunner(failures: ["a": [StepFailure(.http(status: 503, retryAfter: "7"), message: "busy")]]
        )
        let clock = MockClock()
        let report = try await executor(store, runner, clock: clock).apply(try Self.plan([("a", [])]), scope: scope)
        #expect(report.ok)
        #expect(clock.sleeps == [.seconds(7)])
        // The first call may have landed: the retry observes before creating again.
        #expect(runner.calls == [.create("a"), .observe("a"), .create("a")])
        let state = try #require(try await store.steps(in: scope).first)
        #expect(state.attempts == 2)
        #expect(
            state.idempotencyKey
                == IdempotencyKey.make(project: "t", environment: "dev", stepID: "a", inputHash: state.inputHash))
    }

    @Test("a 400 fails fast; dependents are skipped and independent work finishes")
    func failFast() async throws {
        let store = InMemoryStateStore()
        let runner = ScriptedRunner(failures: ["a": [StepFailure(.http(status: 400, retryAfter: nil), message: "bad")]])
        let report = try await executor(store, runner).apply(
            try Self.plan([("a", []), ("b", ["a"]), ("c", ["b"]), ("d", [])]), scope: scope)
        #expect(report.failed.keys.sorted() == ["a"])
        #expect(report.skipped == ["b", "c"])
        #expect(report.succeeded == ["d"])
        #expect(runner.creates(of: "a") == 1)
        let states = Dictionary(uniqueKeysWithValues: try await store.steps(in: scope).map { ($0.stepID, $0) })
        #expect(states["a"]?.status == .failed && states["a"]?.errorClass == "http-400")
        #expect(states["c"]?.status == .skipped && states["c"]?.errorClass == "dependency-failed")
    }

    @Test("retries stop after the policy's attempts")
    func exhausted() async throws {
        let store = InMemoryStateStore()
        let failures = Array(repeating: StepFailure(.network, message: "reset"), count: 10)
        let runner = ScriptedRunner(failures: ["a": failures])
        let clock = MockClock()
        let options = ExecutionOptions(retry: RetryPolicy(maxAttempts: 3, base: .milliseconds(100), cap: .seconds(1)))
        let report = try await executor(store, runner, clock: clock, options: options).apply(
            try Self.plan([("a", [])]), scope: scope)
        #expect(report.failed["a"]?.errorClass == "network")
        #expect(runner.creates(of: "a") == 3)
        #expect(clock.sleeps == [.milliseconds(100), .milliseconds(200)])
    }

    @Test("without continue-on-error, no new step starts after a failure")
    func stopOnError() async throws {
        let runner = ScriptedRunner(failures: ["a": [StepFailure(.invalid, message: "no")]])
        let options = ExecutionOptions(parallelism: 1, continueOnError: false)
        let report = try await executor(InMemoryStateStore(), runner, options: options).apply(
            try Self.plan([("a", []), ("b", []), ("c", [])]), scope: scope)
        #expect(report.failed.keys.sorted() == ["a"])
        #expect(report.succeeded.isEmpty)
        #expect(runner.calls == [.create("a")])
    }

    @Test("a step found in flight is observed first and, if it landed, recorded without a second create")
    func reconcile() async throws {
        let store = InMemoryStateStore()
        let plan = try Self.plan([("a", []), ("b", [])])
        for node in plan.steps {
            try await store.record(
                StepState(
                    stepID: node.id, kind: node.kind, provider: nil, status: .inFlight, inputHash: node.inputHash,
                    idempotencyKey: IdempotencyKey.make(
                        project: "t", environment: "dev", stepID: node.id, inputHash: node.inputHash),
                    requestFingerprint: "", attempts: 1, level: 0, updatedAt: Date()),
                in: scope)
        }
        let runner = ScriptedRunner(observeFinds: ["a"])
        let replanned = try Self.plan([("a", []), ("b", [])], state: try await store.snapshot(scope))
        let report = try await executor(store, runner).apply(replanned, scope: scope)
        #expect(report.ok)
        #expect(report.reconciled == ["a"])
        #expect(runner.creates(of: "a") == 0)
        #expect(runner.creates(of: "b") == 1)
    }

    @Test("a step left in flight under the pre-SHA-256 key is observed, then resent under that same key")
    func legacyKeyInFlight() async throws {
        let store = InMemoryStateStore()
        let plan = try Self.plan([("a", [])])
        let node = try #require(plan.steps.first)
        let legacy = IdempotencyKey.legacyV1(project: "t", environment: "dev", stepID: "a", inputHash: node.inputHash)
        try await store.record(
            StepState(
                stepID: "a", kind: node.kind, provider: nil, status: .inFlight, inputHash: node.inputHash,
                idempotencyKey: legacy, requestFingerprint: "", attempts: 1, level: 0, updatedAt: Date()),
            in: scope)
        let runner = ScriptedRunner()
        let replanned = try Self.plan([("a", [])], state: try await store.snapshot(scope))
        let report = try await executor(store, runner).apply(replanned, scope: scope)
        #expect(report.ok)
        #expect(runner.calls.first == .observe("a"), "an unfinished legacy attempt must be looked for first")
        #expect(runner.keys(of: "a") == [legacy])
        #expect(legacy != IdempotencyKey.make(project: "t", environment: "dev", stepID: "a", inputHash: node.inputHash))
    }

    @Test("a finished step, or an unfinished one under a key of other inputs, gets the current key")
    func currentKey() {
        let current = IdempotencyKey.make(project: "p", environment: "dev", stepID: "s", inputHash: "h")
        let legacyOther = IdempotencyKey.legacyV1(project: "p", environment: "dev", stepID: "s", inputHash: "other")
        #expect(
            IdempotencyKey.resolve(project: "p", environment: "dev", stepID: "s", inputHash: "h", previousKey: nil)
                == current)
        #expect(
            IdempotencyKey.resolve(
                project: "p", environment: "dev", stepID: "s", inputHash: "h", previousKey: legacyOther) == current)
        #expect(
            IdempotencyKey.resolve(project: "p", environment: "dev", stepID: "s", inputHash: "h", previousKey: "junk")
                == current)
    }

    @Test("a re-apply of an applied plan makes zero calls")
    func noop() async throws {
        let store = InMemoryStateStore()
        let runner = ScriptedRunner()
        _ = try await executor(store, runner).apply(try Self.plan([("a", []), ("b", ["a"])]), scope: scope)
        let again = ScriptedRunner()
        let replanned = try Self.plan([("a", []), ("b", ["a"])], state: try await store.snapshot(scope))
        let report = try await executor(store, again).apply(replanned, scope: scope)
        #expect(report.calls == 0 && again.calls.isEmpty)
        #expect(report.unchanged == 2)
    }

    @Test("steps wait for rate-limit tokens on the engine's clock")
    func rateLimited() async throws {
        let clock = MockClock()
        let limiter = RateLimiter(limits: ["p": .init(requests: 1, perSeconds: 2, burst: 1)])
        let report = try await executor(
            InMemoryStateStore(), ScriptedRunner(), clock: clock, options: .init(parallelism: 1), limiter: limiter,
            rateKeys: { _ in ["p"] }
        ).apply(try Self.plan([("a", []), ("b", []), ("c", [])]), scope: scope)
        #expect(report.ok)
        #expect(clock.sleeps == [.seconds(2), .seconds(2)])
    }

    @Test("a call that never answers times out")
    func timeout() async throws {
        let options = ExecutionOptions(retry: RetryPolicy(maxAttempts: 1), stepTimeout: .milliseconds(50))
        let report = try await executor(InMemoryStateStore(), ScriptedRunner(hang: ["a"]), options: options).apply(
            try Self.plan([("a", [])]), scope: scope)
        #expect(report.failed["a"]?.errorClass == "timeout")
    }

    @Test("five consecutive connection failures open the breaker, and its state is persisted")
    func breakerOpens() async throws {
        let store = InMemoryStateStore()
        let node = Plan.Node(
            id: "tap.verify-key", role: .step, kind: "sheen.data", slot: nil, provider: "tap", title: nil,
            dependsOn: [],
            level: 0, action: .create, reason: .newStep, inputHash: "h", outputs: [])
        var plan = try Self.plan([])
        plan.nodes = [node]
        let runner = ScriptedRunner(failures: [
            "tap.verify-key": Array(repeating: StepFailure(.network, message: "down"), count: 9)
        ])
        let options = ExecutionOptions(
            retry: RetryPolicy(maxAttempts: 7, base: .milliseconds(1), cap: .milliseconds(1)))
        let report = try await executor(store, runner, options: options).apply(plan, scope: scope)
        #expect(
            runner.creates(of: "tap.verify-key") == 6,
            "five failures open it; the probe after the cool-down fails again")
        #expect(report.failed["tap.verify-key"] != nil)
        let breaker = try #require(try await store.breaker(for: "tap/default"))
        if case .open = breaker.state {} else { Issue.record("breaker not open: \(breaker.state)") }
    }

    @Test("secret outputs never reach the store")
    func secrets() async throws {
        let store = InMemoryStateStore()
        var plan = try Self.plan([("a", [])])
        plan.nodes[0].outputs = [.init(name: "secret_token", secret: true), .init(name: "hash")]
        _ = try await executor(store, ScriptedRunner()).apply(plan, scope: scope)
        let state = try #require(try await store.steps(in: scope).first)
        #expect(state.outputs.keys.sorted() == ["hash"])
        #expect(state.externalID == "ext-a")
    }

    @Test("a step kind without an adapter fails with a clear message")
    func unsupported() async throws {
        var plan = try Self.plan([("a", [])])
        plan.nodes[0].kind = "tap.verify-key"
        let report = try await executor(InMemoryStateStore(), ScriptedRunner()).apply(plan, scope: scope)
        #expect(report.failed["a"]?.message == "no adapter implements step kind 'tap.verify-key' yet")
    }

    @Test("destroy deletes what was created, deepest level first")
    func destroy() async throws {
        let store = InMemoryStateStore()
        let runner = ScriptedRunner()
        _ = try await executor(store, runner, options: .init(parallelism: 1)).apply(
            try Self.plan([("a", []), ("b", ["a"]), ("c", ["b"])]), scope: scope)
        let deleter = ScriptedRunner()
        let report = try await executor(store, deleter, options: .init(parallelism: 1)).destroy(scope: scope)
        #expect(report.ok)
        #expect(deleter.calls == [.delete("c"), .delete("b"), .delete("a")])
        #expect(try await store.steps(in: scope).isEmpty)
    }

    @Test("idempotency keys are deterministic, bounded and change with the inputs")
    func idempotencyKeys() {
        let key = IdempotencyKey.make(project: "souq", environment: "prod", stepID: "tap.test-charge", inputHash: "abc")
        #expect(
            key
                == IdempotencyKey.make(
                    project: "souq", environment: "prod", stepID: "tap.test-charge", inputHash: "abc"))
        #expect(
            key
                != IdempotencyKey.make(
                    project: "souq", environment: "prod", stepID: "tap.test-charge", inputHash: "abd"))
        #expect(
            key != IdempotencyKey.make(project: "souq", environment: "dev", stepID: "tap.test-charge", inputHash: "abc")
        )
        #expect(key.hasPrefix("sheen-tap-test-charge-"))
        let long = IdempotencyKey.make(
            project: String(repeating: "p", count: 500), environment: "dev", stepID: String(repeating: "s", count: 500),
            inputHash: "h")
        #expect(long.count <= 255)
        // Length-prefixed fields: moving a character across a boundary gives another key.
        #expect(
            IdempotencyKey.make(project: "ab", environment: "c", stepID: "s", inputHash: "h")
                != IdempotencyKey.make(project: "a", environment: "bc", stepID: "s", inputHash: "h"))
        #expect(key.count == "sheen-tap-test-charge-".count + 32)
    }

    @Test("the apply lock refuses a second run and names the holder")
    func lock() async throws {
        let store = InMemoryStateStore()
        let scope = scope
        try await ApplyLock.withLock(store: store, scope: scope) { _ in
            let other = LockInfo(
                holder: "someone else", processID: 1, host: "elsewhere", acquiredAt: Date(),
                expiresAt: Date().addingTimeInterval(60))
            await #expect(throws: LockHeld.self) {
                _ = try await store.acquireLock(scope, as: other, isStale: ApplyLock.isStale)
            }
        }
        let after = LockInfo(
            holder: "next", processID: 1, host: "elsewhere", acquiredAt: Date(),
            expiresAt: Date().addingTimeInterval(60))
        _ = try await store.acquireLock(scope, as: after, isStale: { _ in false })
    }

    @Test("a run whose lease is taken over is cancelled and ends with LockLost")
    func lockLostCancelsTheRun() async throws {
        let store = InMemoryStateStore()
        let scope = scope
        let started = ContinuousClock.now
        let cancelled = Mutex(false)
        await #expect(throws: LockLost.self) {
            try await ApplyLock.withLock(store: store, scope: scope, ttl: .milliseconds(300)) { _ in
                // Another process decides this one is dead and takes the lock over.
                let thief = LockInfo(
                    holder: "thief", processID: 1, host: "elsewhere", acquiredAt: Date(),
                    expiresAt: Date().addingTimeInterval(60))
                _ = try await store.acquireLock(scope, as: thief, isStale: { _ in true })
                do {
                    try await Task.sleep(for: .seconds(120))
                } catch {
                    cancelled.withLock { $0 = true }
                    throw error
                }
            }
        }
        #expect(cancelled.withLock { $0 }, "the run was cancelled, not left running unlocked")
        // Far below the body's two minutes (a heartbeat comes every 100 ms), with room for a loaded CI machine.
        #expect(ContinuousClock.now - started < .seconds(60))
    }

    @Test("a run holding a superseded fence cannot journal: its step fails loudly and the apply throws")
    func staleFenceStopsTheRun() async throws {
        let store = InMemoryStateStore()
        let holder = LockInfo(
            holder: "old", processID: 1, host: "h", acquiredAt: Date(), expiresAt: Date().addingTimeInterval(60))
        let old = try await store.acquireLock(scope, as: holder, isStale: { _ in false })
        var thief = holder
        thief.holder = "new"
        _ = try await store.acquireLock(scope, as: thief, isStale: { _ in true })
        let runner = ScriptedRunner()
        await #expect(throws: LockLost.self) {
            _ = try await executor(store, runner).apply(
                try Self.plan([("a", []), ("b", ["a"])]), scope: scope, fence: old.fence)
        }
        #expect(runner.calls.isEmpty, "no call is made without a durable in-flight entry")
        #expect(try await store.steps(in: scope).isEmpty)
    }

    @Test("a skip never overwrites a success: outputs and external id survive, and the next plan updates")
    func skipKeepsSuccess() async throws {
        let store = InMemoryStateStore()
        let first = try Self.plan([("a", []), ("b", ["a"])])
        let b = try #require(first.nodes.first { $0.id == "b" })
        // b succeeded earlier with other inputs, so this plan updates it; then a fails.
        try await store.record(
            StepState(
                stepID: "b", kind: "sheen.data", provider: nil, status: .succeeded, inputHash: "older",
                idempotencyKey: "k", requestFingerprint: "f", attempts: 1, outputs: ["hash": "older"],
                externalID: "res_123", level: b.level, updatedAt: Date()),
            in: scope)
        let plan = try Self.plan([("a", []), ("b", ["a"])], state: try await store.snapshot(scope))
        #expect(plan.nodes.first { $0.id == "b" }?.action == .update)
        let runner = ScriptedRunner(failures: ["a": [StepFailure(.http(status: 400, retryAfter: nil), message: "bad")]])
        let report = try await executor(store, runner).apply(plan, scope: scope)
        #expect(report.skipped == ["b"])
        let kept = try #require(try await store.steps(in: scope).first { $0.stepID == "b" })
        #expect(kept.status == .succeeded && kept.externalID == "res_123" && kept.outputs == ["hash": "older"])
        let next = try Self.plan([("a", []), ("b", ["a"])], state: try await store.snapshot(scope))
        #expect(next.nodes.first { $0.id == "b" }?.action == .update)
        #expect(next.nodes.first { $0.id == "a" }?.action == .create)
        #expect(next.nodes.first { $0.id == "a" }?.reason == .failedPreviously)
    }
}
