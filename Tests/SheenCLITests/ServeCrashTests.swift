import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SheenStore
import SheenWebhooks
import Synchronization
import Testing

/// `sheen serve` SIGKILLed mid-burst and started again: every delivery that got a 2xx is stored.
@Suite("sheen serve under SIGKILL")
struct ServeCrashTests {
    final class Acked: Sendable {
        let ids = Mutex<Set<String>>([])
        var count: Int { ids.withLock { $0.count } }
    }

    static func start(in directory: URL, environment: [String: String]) async throws -> (Process, Int) {
        let server = try SheenBinary.serve(in: directory, environment: environment, until: "/v1/webhooks/")
        return (server.process, server.port)
    }

    @Test("every acknowledged delivery survives a SIGKILL of the server")
    func killMidBurst() async throws {
        let directory = try SheenBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let secret = "whsec_crash_test_secret"
        let environment = [
            "SHEEN_KEYRING": directory.appendingPathComponent("keys/keyring.json").path, "KEY": "sk_test_crash",
            "HOOK": secret,
        ]
        #expect(try await SheenBinary.run(["init", "global-saas", "--market", "AE"], in: directory).status == 0)
        let connected = try await SheenBinary.run(
            [
                "connect", "stripe", "--env", "dev", "--field", "secret_key=@env:KEY", "--field",
                "publishable_key=pk_test_1", "--field", "webhook_secret=@env:HOOK",
            ], in: directory, environment: environment)
        #expect(connected.status == 0, "\(connected.stderr)")
        let (server, port) = try await Self.start(in: directory, environment: environment)
        let acked = Acked()
        let verifier = WebhookVerifier()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // Kill once a few hundred deliveries are acknowledged, while the rest are still arriving.
                while acked.count < 300 { try await Task.sleep(for: .milliseconds(2)) }
                kill(server.processIdentifier, SIGKILL)
            }
            for worker in 0..<16 {
                group.addTask {
                    for index in 0..<200 {
                        let id = "evt_\(worker)_\(index)"
                        let body = Data(
                            #"{"id":"\#(id)","type":"invoice.paid","created":1800000000,"livemode":false}"#.utf8)
                        let signed = try await verifier.sign(body: body, scheme: .stripe, secret: secret)
                        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/webhooks/stripe/default")
                        request.method = .POST
                        for field in signed.headers.fields { request.headers.add(name: field.name, value: field.value) }
                        request.body = .bytes(ByteBuffer(bytes: body))
                        guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(5)) else {
                            return  // the server is gone
                        }
                        if response.status == .ok { acked.ids.withLock { _ = $0.insert(id) } }
                    }
                }
            }
            try await group.waitForAll()
        }
        server.waitUntilExit()
        #expect(server.terminationReason == .uncaughtSignal)
        let acknowledged = acked.ids.withLock { $0 }
        #expect(acknowledged.count >= 300 && acknowledged.count < 3_200, "the kill must land mid-burst")

        // Started again, it serves; and every delivery it ever acknowledged is in the store.
        let (again, _) = try await Self.start(in: directory, environment: environment)
        again.interrupt()
        // It stops on SIGINT; should it not, the test fails rather than hangs.
        let deadline = Date().addingTimeInterval(20)
        while again.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!again.isRunning, "sheen serve ignored SIGINT")
        if again.isRunning { kill(again.processIdentifier, SIGKILL) }
        again.waitUntilExit()
        #expect(again.terminationReason == .exit && again.terminationStatus == 0)
        let store = SQLiteEventStore(
            try SQLiteStateStore(path: directory.appendingPathComponent(".sheen/state.sqlite").path))
        let stored = Set(
            try await store.events(provider: "stripe", status: nil, limit: 100_000).compactMap(\.event.eventID))
        #expect(acknowledged.isSubset(of: stored), "lost: \(acknowledged.subtracting(stored).count)")
    }
}
