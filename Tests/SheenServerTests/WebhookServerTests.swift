import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SheenApplication
import SheenCatalog
import SheenModel
import SheenSecrets
import SheenServer
import SheenStore
import SheenWebhooks
import Synchronization
import Testing

@Suite("sheen serve: webhook ingest over loopback HTTP")
struct WebhookServerTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let catalog = CatalogLoader(displayBase: repository.path).load(catalogAt: repository.path).catalog
    static let secret = "whsec_server_test_secret"

    struct Reader: CredentialReader {
        func environmentVariable(_ name: String) -> String? {
            ["KEY": "sk_test_server", "HOOK": WebhookServerTests.secret][name]
        }
        func contents(ofFile path: String) throws -> String { "" }
        func standardInput() throws -> String { "" }
        func prompt(_ label: String) -> String? { nil }
    }

    final class Handled: Sendable {
        let ids = Mutex<[Int64]>([])
    }

    static func setUp(
        maxBodyBytes: Int = 1 << 20, processingInterval: Duration = .seconds(3600),
        purgeInterval: Duration = .seconds(3600), processorNow: @escaping @Sendable () -> Date = { Date() }
    ) async throws -> (WebhookServer.Running, SQLiteEventStore, EventProcessor, Handled) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(UUID()).sqlite").path
        let store = try SQLiteStateStore(path: path)
        let keys = try #require(
            try EnvironmentKeyProvider(environment: [
                "SHEEN_MASTER_KEY": Data(repeating: 4, count: 32).base64EncodedString()
            ]))
        let connections = ConnectionService(store: store, keys: keys, catalog: catalog)
        _ = try await connections.connect(
            ConnectRequest(
                project: "souq", provider: "stripe", environment: .dev,
                fields: [
                    "secret_key": .environment("KEY"), "publishable_key": .literal("pk_test_1"),
                    "webhook_secret": .environment("HOOK"),
                ]), reader: Reader())
        let events = SQLiteEventStore(store)
        let handled = Handled()
        let processor = EventProcessor(
            events: events,
            handlers: [
                "*": [{ event in handled.ids.withLock { $0.append(event.id) } }],
                "always.fails": [{ _ in throw CocoaError(.featureUnsupported) }],
            ], maxAttempts: 2, baseDelay: 0, now: processorNow)
        let server = WebhookServer(
            ingest: WebhookIngestService(project: "souq", environment: .dev, connections: connections, events: events),
            processor: processor, maxBodyBytes: maxBodyBytes, processingInterval: processingInterval,
            purgeInterval: purgeInterval)
        return (try await server.start(host: "127.0.0.1", port: 0), events, processor, handled)
    }

    static func post(
        _ request: WebhookRequest, port: Int, path: String = "stripe/default"
    ) async throws -> (Int, [String: Any]) {
        var http = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/webhooks/\(path)")
        http.method = .POST
        for field in request.headers.fields { http.headers.add(name: field.name, value: field.value) }
        http.body = .bytes(ByteBuffer(bytes: request.body))
        // Generous: 10,000 deliveries on a loaded 2-core machine are slow, not lost.
        let response = try await HTTPClient.shared.execute(http, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 1 << 20)
        let json = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
        return (Int(response.status.code), json)
    }

    static func delivery(_ id: String, type: String = "payment_intent.succeeded") async throws -> WebhookRequest {
        try await WebhookVerifier().sign(
            body: Data(
                #"{"id":"\#(id)","type":"\#(type)","created":1800000000,"livemode":false,"data":{"object":{"id":"pi_1"}}}"#
                    .utf8),
            scheme: .stripe, secret: secret)
    }

    @Test("a genuine delivery is acknowledged only once stored; a redelivery is a 200 duplicate; processed once")
    func accepted() async throws {
        let (server, events, processor, handled) = try await Self.setUp()
        defer { server.stop() }
        let delivery = try await Self.delivery("evt_1")
        let (status, json) = try await Self.post(delivery, port: server.port)
        #expect(status == 200)
        let id = try #require(json["id"] as? Int)
        // The acknowledgement came after the commit: the row is there the moment the answer is.
        let stored = try #require(try await events.event(Int64(id)))
        #expect(stored.0.event.eventID == "evt_1" && stored.0.status == .received && stored.1 != nil)
        let (again, repeated) = try await Self.post(delivery, port: server.port)
        #expect(again == 200 && repeated["duplicate"] as? Bool == true && repeated["id"] as? Int == id)
        _ = try await processor.runOnce()
        _ = try await processor.runOnce()
        #expect(handled.ids.withLock { $0 } == [Int64(id)])
    }

    @Test("a bad signature is 401 with its reason, an unknown connection 404, an over-size body 413")
    func refused() async throws {
        let (server, events, _, _) = try await Self.setUp(maxBodyBytes: 4_096)
        defer { server.stop() }
        var tampered = try await Self.delivery("evt_2")
        tampered.body = Data(
            String(decoding: tampered.body, as: UTF8.self).replacingOccurrences(of: "evt_2", with: "evt_3").utf8)
        let (status, json) = try await Self.post(tampered, port: server.port)
        #expect(status == 401)
        #expect((json["error"] as? [String: Any])?["code"] as? String == "no-signature-matches")
        let (unknown, _) = try await Self.post(try await Self.delivery("evt_4"), port: server.port, path: "stripe/nope")
        #expect(unknown == 404)
        var large = try await Self.delivery("evt_5")
        large.body = Data(repeating: 0x20, count: 10_000)
        let (tooLarge, _) = try await Self.post(large, port: server.port)
        #expect(tooLarge == 413)
        #expect(try await events.events(provider: nil, status: nil, limit: 10).isEmpty)
    }

    @Test("a handler that always fails dead-letters the event with the reason; replay queues it once")
    func deadLetter() async throws {
        let (server, events, processor, _) = try await Self.setUp()
        defer { server.stop() }
        let (_, json) = try await Self.post(try await Self.delivery("evt_9", type: "always.fails"), port: server.port)
        let id = Int64(try #require(json["id"] as? Int))
        let first = try await processor.runOnce()
        #expect(first.retried == 1)
        let second = try await processor.runOnce()
        #expect(second.deadLettered == 1)
        let dead = try #require(try await events.event(id)).0
        #expect(dead.status == .dead && dead.lastError?.isEmpty == false)
        #expect(try await events.replay(id))
        #expect(try await !events.replay(id))
    }
}
