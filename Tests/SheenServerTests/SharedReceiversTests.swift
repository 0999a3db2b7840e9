import AsyncHTTPClient
import Foundation
import SheenApplication
import SheenModel
import SheenSecrets
import SheenServer
import SheenStore
import SheenTestSupport
import SheenWebhooks
import Synchronization
import Testing

/// Two `sheen serve` receivers on one PostgreSQL, as behind a load balancer: every delivery raced to both is stored
/// once and processed once.
@Suite(
    "Two receivers on one PostgreSQL",
    .enabled(if: TestPostgres.available, "scripts/test starts PostgreSQL and sets SHEEN_TEST_POSTGRES_URL"))
struct SharedReceiversTests {
    @Test("600 deliveries, each posted to both receivers at once: one row each, processed exactly once")
    func racedDeliveries() async throws {
        let store = try await PostgresStore.open(try await TestPostgres.freshDatabase(prefix: "receivers"))
        let keys = try #require(
            try EnvironmentKeyProvider(environment: [
                "SHEEN_MASTER_KEY": Data(repeating: 4, count: 32).base64EncodedString()
            ]))
        let connections = ConnectionService(store: store, keys: keys, catalog: WebhookServerTests.catalog)
        _ = try await connections.connect(
            ConnectRequest(
                project: "souq", provider: "stripe", environment: .dev,
                fields: [
                    "secret_key": .environment("KEY"), "publishable_key": .literal("pk_test_1"),
                    "webhook_secret": .environment("HOOK"),
                ]), reader: WebhookServerTests.Reader())
        let handled = WebhookServerTests.Handled()
        var receivers: [WebhookServer.Running] = []
        for _ in 0..<2 {
            // Each receiver processes on its own, often: they race for the same due events.
            let processor = EventProcessor(
                events: store, handlers: ["*": [{ event in handled.ids.withLock { $0.append(event.id) } }]])
            let server = WebhookServer(
                ingest: WebhookIngestService(
                    project: "souq", environment: .dev, connections: connections, events: store),
                processor: processor, processingInterval: .milliseconds(20))
            receivers.append(try await server.start(host: "127.0.0.1", port: 0))
        }
        let ports = receivers.map(\.port)
        let deliveries = try await (0..<600).asyncMap { try await WebhookServerTests.delivery("evt_shared_\($0)") }
        let ids = Answers()
        for start in stride(from: 0, to: deliveries.count, by: 50) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in start..<min(start + 50, deliveries.count) {
                    let delivery = deliveries[index]
                    for port in ports {
                        group.addTask {
                            let (status, json) = try await WebhookServerTests.post(delivery, port: port)
                            #expect(status == 200)
                            if let id = json["id"] as? Int {
                                ids.rows.withLock { _ = $0[index, default: []].insert(id) }
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        #expect(ids.rows.withLock { $0.count } == deliveries.count)
        #expect(ids.rows.withLock { $0.values.allSatisfy { $0.count == 1 } }, "both receivers answered with one row")
        let deadline = Date().addingTimeInterval(60)
        while try await store.events(provider: "stripe", status: .processed, limit: 10_000).count < deliveries.count,
            Date() < deadline
        {
            try await Task.sleep(for: .milliseconds(100))
        }
        let processed = handled.ids.withLock { $0 }
        #expect(processed.count == deliveries.count, "processed \(processed.count) times for \(deliveries.count)")
        #expect(Set(processed).count == processed.count, "an event was processed by both receivers")
        for receiver in receivers { receiver.stop() }
        await store.close()
    }
}

/// The rows each delivery's answers named, by delivery.
final class Answers: Sendable {
    let rows = Mutex<[Int: Set<Int>]>([:])
}

extension Range where Bound == Int {
    func asyncMap<T>(_ transform: (Int) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for value in self { result.append(try await transform(value)) }
        return result
    }
}
