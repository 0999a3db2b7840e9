import Foundation
import SheenModel
import SheenSecrets
import SheenStore
import SheenWebhooks
import Synchronization
import Testing

@Suite("Webhook event store")
struct EventStoreTests {
    static func file() throws -> (String, SQLiteEventStore) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("events-\(UUID()).sqlite").path
        return (path, SQLiteEventStore(try SQLiteStateStore(path: path)))
    }

    static func delivery(_ key: String, at seconds: TimeInterval = 1_800_000_000) -> IncomingDelivery {
        IncomingDelivery(
            project: "souq", connection: "tap/default",
            event: WebhookEvent(
                provider: "tap", scheme: .tap, type: "charge.captured", objectID: "chg_\(key)", status: "CAPTURED",
                dedupKey: "object:chg_\(key):CAPTURED"),
            headers: "{}",
            body: SealedSecret(keyID: "kek-test", wrappedKey: Data([1, 2, 3]), ciphertext: Data("sealed-\(key)".utf8)),
            receivedAt: Date(timeIntervalSince1970: seconds))
    }

    @Test("a delivery is stored once: a redelivery is a duplicate of the same row, and the row survives a reopen")
    func dedup() async throws {
        let (path, store) = try Self.file()
        let first = try await store.ingest(Self.delivery("1"))
        let again = try await store.ingest(Self.delivery("1"))
        #expect(!first.duplicate && again.duplicate && again.id == first.id)
        let reopened = SQLiteEventStore(try SQLiteStateStore(path: path))
        let (stored, body) = try #require(try await reopened.event(first.id))
        #expect(stored.event.dedupKey == "object:chg_1:CAPTURED" && stored.status == .received)
        #expect(body?.ciphertext == Data("sealed-1".utf8))
    }

    @Test("events narrow to one project in the query, newest first; without a project every project's come back")
    func byProject() async throws {
        let (_, store) = try Self.file()
        _ = try await store.ingest(Self.delivery("1"))
        var other = Self.delivery("2")
        other.project = "dukkan"
        _ = try await store.ingest(other)
        _ = try await store.ingest(Self.delivery("3"))
        let souq = try await store.events(project: "souq", provider: nil, status: nil, limit: 10)
        #expect(souq.map(\.event.objectID) == ["chg_3", "chg_1"])
        #expect(try await store.events(project: "dukkan", provider: "tap", status: nil, limit: 10).count == 1)
        #expect(try await store.events(provider: nil, status: nil, limit: 10).count == 3)
    }

    @Test("2,000 concurrent deliveries with 20 % redelivered: one row per distinct delivery, duplicates point to it")
    func concurrent() async throws {
        let (_, store) = try Self.file()
        let keys = (0..<2_000).map { index in index % 5 == 4 ? "\(index - 1)" : "\(index)" }
        let results = try await withThrowingTaskGroup(of: (String, IngestResult).self) { group in
            for key in keys { group.addTask { (key, try await store.ingest(Self.delivery(key))) } }
            var collected: [(String, IngestResult)] = []
            for try await result in group { collected.append(result) }
            return collected
        }
        let distinct = Set(keys)
        #expect(results.filter { !$0.1.duplicate }.count == distinct.count)
        var idByKey: [String: Int64] = [:]
        for (key, result) in results {
            if let known = idByKey[key] { #expect(known == result.id) } else { idByKey[key] = result.id }
        }
        #expect(try await store.events(provider: "tap", status: .received, limit: 10_000).count == distinct.count)
    }

    @Test("processing: processed once; a failure retries, then dead-letters; replaying twice queues it once")
    func lifecycle() async throws {
        let (_, store) = try Self.file()
        let a = try await store.ingest(Self.delivery("a")).id
        let b = try await store.ingest(Self.delivery("b")).id
        let now = Date(timeIntervalSince1970: 1_800_000_100)
        #expect(try await store.due(at: now, limit: 10).map(\.id) == [a, b])
        #expect(try await store.markProcessed(a, at: now))
        #expect(try await !store.markProcessed(a, at: now), "a second worker cannot process it again")
        try await store.markFailed(b, reason: "handler: timeout", retryAt: now.addingTimeInterval(30))
        #expect(try await store.due(at: now, limit: 10).isEmpty)
        #expect(try await store.due(at: now.addingTimeInterval(31), limit: 10).map(\.id) == [b])
        try await store.markFailed(b, reason: "handler: gave up", retryAt: nil)
        let dead = try #require(try await store.event(b)).0
        #expect(dead.status == .dead && dead.attempts == 2 && dead.lastError == "handler: gave up")
        #expect(try await store.replay(b))
        #expect(try await !store.replay(b), "already queued: a second replay does nothing")
        #expect(try await !store.replay(a), "a processed event is not replayed")
        #expect(try await store.due(at: now, limit: 10).map(\.id) == [b])
    }

    @Test("purging drops old sealed bodies first, and finished rows only after the dedup window")
    func purge() async throws {
        let (_, store) = try Self.file()
        let old = try await store.ingest(Self.delivery("old", at: 1_000)).id
        let recent = try await store.ingest(Self.delivery("new", at: 1_800_000_000)).id
        _ = try await store.markProcessed(old, at: Date(timeIntervalSince1970: 2_000))
        let purged = try await store.purge(
            bodiesBefore: Date(timeIntervalSince1970: 1_000_000), rowsBefore: Date(timeIntervalSince1970: 500))
        #expect(purged.bodies == 1 && purged.rows == 0)
        #expect(try #require(try await store.event(old)).0.hasBody == false)
        #expect(try #require(try await store.event(recent)).0.hasBody)
        let rows = try await store.purge(
            bodiesBefore: Date(timeIntervalSince1970: 0), rowsBefore: Date(timeIntervalSince1970: 1_000_000))
        #expect(rows.rows == 1)
        #expect(try await store.event(old) == nil)
        #expect(try await store.ingest(Self.delivery("new", at: 1_800_000_001)).duplicate)
    }
}
