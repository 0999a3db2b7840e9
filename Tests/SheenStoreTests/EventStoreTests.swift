import Foundation
import SheenModel
import SheenSecrets
import SheenStore
import SheenWebhooks
import Synchronization
import Testing

@Suite("Webhook event store on SQLite")
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
}
