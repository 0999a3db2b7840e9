import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SheenApplication
import SheenServer
import SheenStore
import SheenWebhooks
import Synchronization
import Testing

@Suite("Webhook burst over loopback")
struct BurstTests {
    @Test("10,000 deliveries, 20 % redelivered and 5 % forged, 1 % failing for good: nothing lost, nothing twice")
    func burst() async throws {
        let (server, events, processor, handled) = try await WebhookServerTests.setUp()
        defer { server.stop() }
        // Plan the burst: each slot is a fresh event, a redelivery of an earlier one, or a forgery.
        var plan: [(request: WebhookRequest, kind: String, key: String)] = []
        var fresh: [(WebhookRequest, String)] = []
        for index in 0..<10_000 {
            if index % 20 == 7 {
                var forged = try await WebhookServerTests.delivery("evt_forged_\(index)")
                forged.body = Data(
                    String(decoding: forged.body, as: UTF8.self).replacingOccurrences(of: "pi_1", with: "pi_2").utf8)
                plan.append((forged, "forged", "evt_forged_\(index)"))
            } else if index % 5 == 3, let earlier = fresh.randomElement() {
                plan.append((earlier.0, "again", earlier.1))
            } else {
                let id = "evt_\(index)"
                let type = index % 100 == 11 ? "always.fails" : "payment_intent.succeeded"
                let request = try await WebhookServerTests.delivery(id, type: type)
                fresh.append((request, id))
                plan.append((request, type == "always.fails" ? "fails" : "fresh", id))
            }
        }
        let results = Results()
        let port = server.port
        // 64 requests in flight at a time.
        for start in stride(from: 0, to: plan.count, by: 64) {
            let chunk = Array(plan[start..<min(start + 64, plan.count)])
            try await withThrowingTaskGroup(of: Void.self) { group in
                for item in chunk {
                    group.addTask {
                        let (status, json) = try await WebhookServerTests.post(item.request, port: port)
                        results.record(kind: item.kind, key: item.key, status: status, id: json["id"] as? Int)
                    }
                }
                try await group.waitForAll()
            }
        }
        let byKind = results.statuses.withLock { $0 }
        #expect(byKind["forged"]?.allSatisfy { $0 == 401 } == true)
        #expect(["fresh", "again", "fails"].allSatisfy { byKind[$0]?.allSatisfy { $0 == 200 } == true })
        let ids = results.accepted.withLock { $0 }
        #expect(ids.values.allSatisfy { $0.count == 1 }, "a redelivery got a row of its own")
        let distinct = Set(fresh.map(\.1))
        #expect(Set(ids.keys) == distinct)

        // Process until nothing is due.
        while true {
            let pass = try await processor.runOnce(limit: 2_000)
            if pass.processed + pass.retried + pass.deadLettered == 0 { break }
        }
        let processed = handled.ids.withLock { $0 }
        #expect(processed.count == Set(processed).count, "an event was processed twice")
        let failing = plan.filter { $0.kind == "fails" }.count
        #expect(failing > 0)
        let dead = try await events.events(provider: "stripe", status: .dead, limit: 100_000)
        #expect(dead.count == failing)
        #expect(
            try await events.events(provider: "stripe", status: .processed, limit: 100_000).count == distinct.count
                - failing)
        #expect(
            try await events.events(provider: nil, status: nil, limit: 100_000).count == distinct.count,
            "no forgery stored")
        // The dead letters replay (once each).
        for event in dead { #expect(try await events.replay(event.id)) }
        #expect(try await events.due(at: Date(), limit: 100_000).count == failing)
    }
}

/// What the burst's requests were answered, by kind of delivery.
final class Results: Sendable {
    let statuses = Mutex<[String: [Int]]>([:])
    let accepted = Mutex<[String: Set<Int>]>([:])

    func record(kind: String, key: String, status: Int, id: Int?) {
        statuses.withLock { $0[kind, default: []].append(status) }
        if status == 200, let id { accepted.withLock { _ = $0[key, default: []].insert(id) } }
    }
}
