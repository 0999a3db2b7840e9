import Foundation
import SheenApplication
import SheenEngine
import SheenModel
import SheenPlanner
import SheenSecrets
import SheenStore
import SheenTestSupport
import Testing

/// `WorkerService` in process, on a real PostgreSQL: what a stopped worker leaves behind.
@Suite(
    "sheen worker's service on PostgreSQL",
    .enabled(if: TestPostgres.available, "scripts/test starts PostgreSQL and sets SHEEN_TEST_POSTGRES_URL"))
struct WorkerServiceTests {
    static func worker(_ store: PostgresStore, latency: Duration, name: String) throws -> WorkerService {
        let keys = try #require(
            try EnvironmentKeyProvider(environment: [
                "SHEEN_MASTER_KEY": Data(repeating: 9, count: 32).base64EncodedString()
            ]))
        return WorkerService(
            queue: store, store: store, catalog: Catalog(),
            connections: ConnectionService(store: store, keys: keys, catalog: Catalog()),
            settings: ApplySettings(stepLatency: latency), name: name)
    }

    @Test("a worker stopped mid-step gives its claims back at once; the next one finishes every step once")
    func stopGivesClaimsBack() async throws {
        let store = try await PostgresStore.open(try await TestPostgres.freshDatabase(prefix: "worker"))
        let dag = NeutralDAG(name: "shop", nodes: (0..<4).map { NeutralDAG.Node(id: "n\($0)", deps: []) })
        let enqueue = EnqueueService(apply: ApplyService(store: store, catalog: Catalog()), queue: store)
        guard case .queued(let id, _, let steps) = try await enqueue.enqueue(.dag(dag, .dev)) else {
            Issue.record("four new steps must be queued")
            return
        }
        #expect(steps == 4)
        // Steps that take far longer than the test: the first worker is stopped while it holds all four.
        let slow = try Self.worker(store, latency: .seconds(60), name: "slow")
        let running = Task { try await slow.run(.init(concurrency: 4, lease: .seconds(60), heartbeat: .seconds(20))) }
        // Stopped once all four calls are under way (journaled in flight), as a deploy's SIGTERM would find them.
        let scope = StoreScope(project: "shop", environment: .dev)
        var inFlight = 0
        for _ in 0..<200 where inFlight < 4 {
            try await Task.sleep(for: .milliseconds(50))
            inFlight = try await store.steps(in: scope).count { $0.status == .inFlight }
        }
        #expect(inFlight == 4)
        #expect(try await store.run(id)?.steps.allSatisfy { $0.status == "claimed" } == true)
        running.cancel()
        try await running.value
        let after = try #require(try await store.run(id))
        #expect(after.steps.allSatisfy { $0.status == "ready" }, "given back, not left to a 60 s lease: \(after.steps)")

        let fast = try Self.worker(store, latency: .zero, name: "fast")
        try await fast.run(.init(concurrency: 4), idleExit: .milliseconds(500))
        let done = try #require(try await store.run(id))
        #expect(done.status == .succeeded && done.steps.allSatisfy { $0.claims == 2 && $0.worker == "fast" })
        #expect(try await store.steps(in: scope).allSatisfy { $0.status == .succeeded })
        await store.close()
    }
}
