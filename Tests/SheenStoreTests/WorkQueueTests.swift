import Foundation
import SheenEngine
import SheenModel
import SheenPlanner
import SheenStore
import SheenTestSupport
import Testing

/// The work queue of `sheen worker` on a real PostgreSQL: claims, leases, fencing, dependencies and run completion.
@Suite(
    "The work queue on PostgreSQL",
    .enabled(if: TestPostgres.available, "scripts/test starts PostgreSQL and sets SHEEN_TEST_POSTGRES_URL"))
struct WorkQueueTests {
    static let scope = StoreScope(project: "souq", environment: .prod)

    /// a → b → c, and d alone.
    static let run = QueuedPlan(
        document: "{}",
        steps: [
            .init(id: "a", waitsOn: []), .init(id: "b", waitsOn: ["a"]), .init(id: "c", waitsOn: ["b"]),
            .init(id: "d", waitsOn: []),
        ], continueOnError: true)

    static func store() async throws -> PostgresStore {
        try await PostgresStore.open(try await TestPostgres.freshDatabase(prefix: "queue"))
    }

    static func state(_ id: String, _ status: StepRecord.Status) -> StepState {
        StepState(
            stepID: id, kind: "sheen.data", provider: nil, status: status, inputHash: "h-\(id)",
            idempotencyKey: "k-\(id)", requestFingerprint: "f", attempts: 1, level: 0, updatedAt: Date())
    }

    @Test("only ready steps are claimed, never twice; a success readies its dependents; the last one ends the run")
    func dependencies() async throws {
        let store = try await Self.store()
        let id = try await store.enqueue(Self.run, scope: Self.scope, now: Date(), isStale: { _ in false })
        // The run holds the scope: a local apply is told who has it.
        let local = ApplyLock.holder(now: Date(), ttl: .seconds(60))
        await #expect(throws: LockHeld.self) {
            _ = try await store.acquireLock(Self.scope, as: local, isStale: { _ in false })
        }
        let claims = try await withThrowingTaskGroup(of: [StepClaim].self) { group in
            for worker in 0..<4 {
                group.addTask { try await store.claim(worker: "w\(worker)", limit: 4, lease: .seconds(30)) }
            }
            var all: [StepClaim] = []
            for try await batch in group { all += batch }
            return all
        }
        #expect(claims.map(\.stepID).sorted() == ["a", "d"], "only steps with nothing to wait on: \(claims)")
        let a = try #require(claims.first { $0.stepID == "a" })
        #expect(a.fence.holder == "queued run \(id)" && a.fence.claim?.run == id)
        try await store.record(Self.state("a", .succeeded), in: Self.scope, fence: a.fence)
        #expect(try await store.complete(a, outcome: .succeeded))
        #expect(try await !store.complete(a, outcome: .succeeded), "a claim completes once")
        let next = try await store.claim(worker: "w9", limit: 10, lease: .seconds(30))
        #expect(next.map(\.stepID) == ["b"], "b was waiting on a alone")
        #expect(try await store.complete(next[0], outcome: .succeeded))
        let c = try await store.claim(worker: "w9", limit: 10, lease: .seconds(30))
        #expect(try await store.complete(c[0], outcome: .succeeded))
        #expect(try await store.run(id)?.status == .running, "d is still claimed")
        #expect(try await store.complete(try #require(claims.first { $0.stepID == "d" }), outcome: .succeeded))
        let finished = try #require(try await store.run(id))
        #expect(finished.status == .succeeded && finished.steps.allSatisfy { $0.status == "succeeded" })
        #expect(try await store.lock(of: Self.scope) == nil, "the finished run gave the scope back")
        _ = try await store.acquireLock(Self.scope, as: local, isStale: { _ in false })
        await store.close()
    }

    @Test("a failure skips what waited on it, and the run ends failed")
    func failure() async throws {
        let store = try await Self.store()
        let id = try await store.enqueue(Self.run, scope: Self.scope, now: Date(), isStale: { _ in false })
        let claims = try await store.claim(worker: "w", limit: 10, lease: .seconds(30))
        for claim in claims {
            #expect(try await store.complete(claim, outcome: claim.stepID == "a" ? .failed("400 invalid") : .succeeded))
        }
        let run = try #require(try await store.run(id))
        let status = Dictionary(uniqueKeysWithValues: run.steps.map { ($0.id, $0.status) })
        #expect(status == ["a": "failed", "b": "skipped", "c": "skipped", "d": "succeeded"])
        #expect(run.status == .failed && run.steps.first { $0.id == "a" }?.error == "400 invalid")
        #expect(try await store.lock(of: Self.scope) == nil)
        await store.close()
    }

    @Test("a lapsed claim is taken over with a greater token; the first worker can no longer write or complete")
    func reclaim() async throws {
        let store = try await Self.store()
        _ = try await store.enqueue(Self.run, scope: Self.scope, now: Date(), isStale: { _ in false })
        let first = try #require(try await store.claim(worker: "slow", limit: 1, lease: .milliseconds(300)).first)
        // Asking for orphans only, whatever the machine's speed: nothing comes back until the lease has lapsed.
        var taken: StepClaim?
        for _ in 0..<100 where taken == nil {
            taken = try await store.claim(worker: "fast", limit: 1, lease: .seconds(30), orphansOnly: true).first
            if taken == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        let takenOver = try #require(taken)
        #expect(takenOver.stepID == first.stepID && takenOver.reclaimed)
        #expect(try await store.claim(worker: "other", limit: 5, lease: .seconds(30)).map(\.stepID) == ["d"])
        #expect((takenOver.fence.claim?.token ?? 0) > (first.fence.claim?.token ?? 0))
        #expect(try await store.heartbeat([first], lease: .seconds(30)).isEmpty, "the first worker learns it lost it")
        await #expect(throws: LockLost.self) {
            try await store.record(Self.state(first.stepID, .succeeded), in: Self.scope, fence: first.fence)
        }
        await #expect(throws: LockLost.self) {
            try await store.remove(first.stepID, in: Self.scope, at: Date(), fence: first.fence)
        }
        #expect(try await !store.complete(first, outcome: .succeeded))
        try await store.record(Self.state(takenOver.stepID, .succeeded), in: Self.scope, fence: takenOver.fence)
        #expect(try await store.heartbeat([takenOver], lease: .seconds(30)) == [takenOver.key])
        let history = try await store.claimHistory(ofRun: takenOver.run).filter { $0.stepID == takenOver.stepID }
        #expect(history.map(\.worker) == ["slow", "fast"])
        await store.close()
    }

    @Test("a released claim is ready at once; enqueueing a scope a run holds is refused, naming the run")
    func releaseAndRefuse() async throws {
        let store = try await Self.store()
        let id = try await store.enqueue(Self.run, scope: Self.scope, now: Date(), isStale: { _ in false })
        let claims = try await store.claim(worker: "stopping", limit: 10, lease: .seconds(30))
        try await store.release(claims)
        let again = try await store.claim(worker: "next", limit: 10, lease: .seconds(30))
        #expect(Set(again.map(\.stepID)) == Set(claims.map(\.stepID)))
        do {
            _ = try await store.enqueue(Self.run, scope: Self.scope, now: Date(), isStale: { _ in false })
            Issue.record("a second run of a held scope must be refused")
        } catch let held as LockHeld {
            #expect(held.lock.holder == "queued run \(id)" && held.lock.isQueuedRun)
            #expect(held.description.contains("sheen worker"))
        }
        await store.close()
    }

    @Test("the queue's steps mirror the executor: no-ops drop out, waits pass through them, deletions go last")
    func planSteps() throws {
        func node(_ id: String, _ action: StepAction?, _ deps: [String] = [], role: Plan.Role = .step) -> Plan.Node {
            Plan.Node(
                id: id, role: role, kind: "sheen.data", slot: nil, provider: nil, title: nil, dependsOn: deps, level: 0,
                action: action, reason: .notInPlan, inputHash: "h", outputs: [])
        }
        var plan = try PlanBuilder(catalog: Catalog()).plan(
            dag: NeutralDAG(name: "t", nodes: [NeutralDAG.Node(id: "a", deps: [])]), state: InMemoryStateSnapshot())
        plan.nodes = [
            node("a", .create), node("b", .noop, ["a"]), node("c", .update, ["b"]), node("x", .delete),
            node("y", .delete), node("done", nil, ["c"], role: .checklist),
        ]
        let steps = QueuedPlan.steps(of: plan, deletedLevels: ["x": 2, "y": 1])
        let waits = Dictionary(uniqueKeysWithValues: steps.map { ($0.id, $0.waitsOn) })
        #expect(waits == ["a": [], "c": ["a"], "x": ["a", "c"], "y": ["a", "c", "x"]])
    }
}
