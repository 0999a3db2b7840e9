import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SheenServer
import SheenStore
import SheenWebhooks
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("sheen serve: metrics, background processing, retention, graceful stop")
struct ServerOperationTests {
    static func metrics(port: Int) async throws -> [String: Double] {
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics"), timeout: .seconds(10))
        #expect(response.headers.first(name: "content-type")?.hasPrefix("text/plain") == true)
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            samples[String(line[..<space])] = value
        }
        return samples
    }

    @Test("GET /metrics counts received, verified, duplicates, rejections by reason and every time to ack")
    func counts() async throws {
        let (server, _, _, _) = try await WebhookServerTests.setUp(maxBodyBytes: 4_096)
        defer { server.stop() }
        let genuine = try await WebhookServerTests.delivery("evt_m1")
        _ = try await WebhookServerTests.post(genuine, port: server.port)
        _ = try await WebhookServerTests.post(genuine, port: server.port)
        var tampered = try await WebhookServerTests.delivery("evt_m2")
        tampered.body.append(0x20)
        _ = try await WebhookServerTests.post(tampered, port: server.port)
        _ = try await WebhookServerTests.post(genuine, port: server.port, path: "stripe/nope")
        _ = try await WebhookServerTests.post(genuine, port: server.port, path: "made-up/default")
        var large = genuine
        large.body = Data(repeating: 0x20, count: 10_000)
        _ = try await WebhookServerTests.post(large, port: server.port)

        let samples = try await Self.metrics(port: server.port)
        #expect(samples[#"sheen_webhooks_received_total{provider="stripe"}"#] == 5)
        // A made-up provider in the path is counted, under one label, so callers cannot mint series.
        #expect(samples[#"sheen_webhooks_received_total{provider="unknown"}"#] == 1)
        #expect(samples[#"sheen_webhooks_verified_total{provider="stripe"}"#] == 2)
        #expect(samples[#"sheen_webhooks_duplicates_total{provider="stripe"}"#] == 1)
        #expect(samples[#"sheen_webhooks_rejected_total{provider="stripe",reason="no-signature-matches"}"#] == 1)
        #expect(samples[#"sheen_webhooks_rejected_total{provider="stripe",reason="unknown-connection"}"#] == 1)
        #expect(samples[#"sheen_webhooks_rejected_total{provider="stripe",reason="too-large"}"#] == 1)
        #expect(samples[#"sheen_webhooks_rejected_total{provider="unknown",reason="not-configured"}"#] == 1)
        #expect(samples["sheen_webhook_ack_seconds_count"] == 6)
        #expect(samples[#"sheen_webhook_ack_seconds_bucket{le="+Inf"}"#] == 6)
    }

    @Test("stored events are processed in the background, and the metrics say so")
    func backgroundProcessing() async throws {
        let (server, events, _, handled) = try await WebhookServerTests.setUp(processingInterval: .milliseconds(20))
        defer { server.stop() }
        let (_, json) = try await WebhookServerTests.post(
            try await WebhookServerTests.delivery("evt_bg"), port: server.port)
        let id = Int64(try #require(json["id"] as? Int))
        try await Self.eventually { try await events.event(id)?.0.status == .processed }
        #expect(handled.ids.withLock { $0 } == [id])
        #expect(try await Self.metrics(port: server.port)["sheen_events_processed_total"] == 1)
    }

    @Test("the receiver purges finished rows past the retention by itself")
    func purgesByItself() async throws {
        // The processor's clock runs 200 hours ahead: what it processes is already past the 168-hour retention.
        let (server, events, _, _) = try await WebhookServerTests.setUp(
            processingInterval: .milliseconds(20), purgeInterval: .milliseconds(20),
            processorNow: { Date().addingTimeInterval(200 * 3600) })
        defer { server.stop() }
        let (_, json) = try await WebhookServerTests.post(
            try await WebhookServerTests.delivery("evt_old"), port: server.port)
        let id = Int64(try #require(json["id"] as? Int))
        try await Self.eventually { try await events.event(id) == nil }
    }

    @Test("a graceful stop ends the server; its port then refuses connections")
    func gracefulStop() async throws {
        let (server, _, _, _) = try await WebhookServerTests.setUp(processingInterval: .milliseconds(20))
        let (status, _) = try await WebhookServerTests.post(
            try await WebhookServerTests.delivery("evt_stop"), port: server.port)
        #expect(status == 200)
        #expect(Self.accepts(port: server.port))
        server.stop()
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                await server.wait()
                return true
            }
            group.addTask {
                try await Task.sleep(for: .seconds(10))
                return false
            }
            let stopped = try await group.next()
            #expect(stopped == true, "the server did not stop within 10 s")
            group.cancelAll()
        }
        // A raw connect: an HTTP client would retry a refused connection until its deadline.
        #expect(!Self.accepts(port: server.port))
    }

    static func accepts(port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    static func eventually(_ condition: () async throws -> Bool) async throws {
        for _ in 0..<250 {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("the condition did not hold within 5 s")
    }
}
