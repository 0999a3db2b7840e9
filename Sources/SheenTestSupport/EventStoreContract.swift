import Foundation
import SheenSecrets
import SheenWebhooks

/// The behaviour every ``EventStore`` must have, run against the SQLite file and PostgreSQL alike. Each check wants a
/// store of its own.
public enum EventStoreContract {
    static func check(_ condition: Bool, _ message: String) throws { try StateStoreContract.check(condition, message) }

    public static func delivery(
        _ key: String, at seconds: TimeInterval = 1_800_000_000, project: String = "souq"
    ) -> IncomingDelivery {
        IncomingDelivery(
            project: project, connection: "tap/default",
            event: WebhookEvent(
                provider: "tap", scheme: .tap, type: "charge.captured", objectID: "chg_\(key)", status: "CAPTURED",
                dedupKey: "object:chg_\(key):CAPTURED"),
            headers: "{}",
            body: SealedSecret(keyID: "kek-test", wrappedKey: Data([1, 2, 3]), ciphertext: Data("sealed-\(key)".utf8)),
            receivedAt: Date(timeIntervalSince1970: seconds))
    }

    /// A redelivery is a duplicate of the same row; listing narrows by project, provider and status, newest first.
    public static func dedupAndListing(_ store: any EventStore) async throws {
        let first = try await store.ingest(delivery("1"))
        let again = try await store.ingest(delivery("1"))
        try check(!first.duplicate && again.duplicate && again.id == first.id, "a redelivery points to the first row")
        let (stored, body) = try await store.event(first.id) ?? (nil, nil)
        try check(
            stored?.event.dedupKey == "object:chg_1:CAPTURED" && stored?.status == .received && stored?.hasBody == true,
            "the row round-trips: \(String(describing: stored))")
        try check(body?.ciphertext == Data("sealed-1".utf8) && body?.keyID == "kek-test", "the sealed body round-trips")
        _ = try await store.ingest(delivery("2", project: "dukkan"))
        _ = try await store.ingest(delivery("3"))
        let souq = try await store.events(project: "souq", provider: nil, status: nil, limit: 10)
        try check(souq.map(\.event.objectID) == ["chg_3", "chg_1"], "one project's, newest first: \(souq.map(\.id))")
        try check(
            try await store.events(project: "dukkan", provider: "tap", status: nil, limit: 10).count == 1,
            "project and provider together")
        try check(try await store.events(provider: nil, status: nil, limit: 10).count == 3, "every project's")
        try check(try await store.events(provider: "stripe", status: nil, limit: 10).isEmpty, "another provider's")
        try check(try await store.events(provider: nil, status: nil, limit: 2).count == 2, "the limit holds")
        try check(try await store.event(999_999) == nil, "an unknown id is nil")
    }

    /// Concurrent deliveries with 20 % redelivered: one row per distinct delivery, and duplicates point to it.
    public static func concurrentIngest(_ store: any EventStore, count: Int = 2_000) async throws {
        let keys = (0..<count).map { index in index % 5 == 4 ? "\(index - 1)" : "\(index)" }
        let results = try await withThrowingTaskGroup(of: (String, IngestResult).self) { group in
            for key in keys { group.addTask { (key, try await store.ingest(delivery(key))) } }
            var collected: [(String, IngestResult)] = []
            for try await result in group { collected.append(result) }
            return collected
        }
        let distinct = Set(keys)
        try check(results.count { !$0.1.duplicate } == distinct.count, "one first delivery per distinct key")
        var idByKey: [String: Int64] = [:]
        for (key, result) in results {
            if let known = idByKey[key] {
                try check(known == result.id, "every delivery of \(key) names the same row")
            } else {
                idByKey[key] = result.id
            }
        }
        try check(
            try await store.events(provider: "tap", status: .received, limit: 100_000).count == distinct.count,
            "one row per distinct delivery")
    }

    /// Processed once; a failure retries, then dead-letters; replaying twice queues it once.
    public static func lifecycle(_ store: any EventStore) async throws {
        let a = try await store.ingest(delivery("a")).id
        let b = try await store.ingest(delivery("b")).id
        let now = Date(timeIntervalSince1970: 1_800_000_100)
        try check(try await store.due(at: now, limit: 10).map(\.id) == [a, b], "both are due, oldest first")
        try check(try await store.markProcessed(a, at: now), "processing marks it")
        try check(try await !store.markProcessed(a, at: now), "a second worker cannot process it again")
        try await store.markFailed(b, reason: "handler: timeout", retryAt: now.addingTimeInterval(30))
        try check(try await store.due(at: now, limit: 10).isEmpty, "a failed event waits for its retry time")
        try check(try await store.due(at: now.addingTimeInterval(31), limit: 10).map(\.id) == [b], "then it is due")
        try await store.markFailed(b, reason: "handler: gave up", retryAt: nil)
        let dead = try await store.event(b)?.0
        try check(
            dead?.status == .dead && dead?.attempts == 2 && dead?.lastError == "handler: gave up",
            "dead-lettered with the last reason: \(String(describing: dead))")
        try check(try await store.replay(b), "a dead letter is replayed")
        try check(try await !store.replay(b), "already queued: a second replay does nothing")
        try check(try await !store.replay(a), "a processed event is not replayed")
        try check(try await store.due(at: now, limit: 10).map(\.id) == [b], "the replayed event is due")
    }

    /// Claims split due events between processors; a claim hides its events until its lease ends or they settle.
    public static func claims(_ store: any EventStore) async throws {
        var ids: [Int64] = []
        for index in 0..<40 { ids.append(try await store.ingest(delivery("claim-\(index)")).id) }
        let now = Date(timeIntervalSince1970: 1_800_000_200)
        let claimed = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for _ in 0..<4 { group.addTask { try await store.claim(at: now, limit: 15, lease: 60).map(\.id) } }
            var all: [[Int64]] = []
            for try await batch in group { all.append(batch) }
            return all
        }
        let flat = claimed.flatMap { $0 }
        try check(flat.count == Set(flat).count, "no event is claimed twice: \(claimed)")
        try check(Set(flat) == Set(ids), "between them the claims take every due event")
        try check(claimed.allSatisfy { $0 == $0.sorted() }, "each claim is oldest first")
        try check(try await store.claim(at: now.addingTimeInterval(59), limit: 100, lease: 60).isEmpty, "held")
        try check(try await store.markProcessed(ids[0], at: now), "a claimed event is processed")
        try await store.markFailed(ids[1], reason: "busy", retryAt: now.addingTimeInterval(10))
        let later = try await store.claim(at: now.addingTimeInterval(30), limit: 100, lease: 60).map(\.id)
        try check(later == [ids[1]], "a failure releases its claim for the retry: \(later)")
        // The first claims lapse at +60; the retry's, taken at +30, holds until +90.
        let expired = try await store.claim(at: now.addingTimeInterval(85), limit: 100, lease: 60).map(\.id)
        try check(
            expired == Array(ids[2...]), "an unsettled claim is taken again once its lease ends (its holder died)")
    }

    /// Old sealed bodies go first; finished rows only after the dedup window.
    public static func purge(_ store: any EventStore) async throws {
        let old = try await store.ingest(delivery("old", at: 1_000)).id
        let recent = try await store.ingest(delivery("new", at: 1_800_000_000)).id
        _ = try await store.markProcessed(old, at: Date(timeIntervalSince1970: 2_000))
        let purged = try await store.purge(
            bodiesBefore: Date(timeIntervalSince1970: 1_000_000), rowsBefore: Date(timeIntervalSince1970: 500))
        try check(purged.bodies == 1 && purged.rows == 0, "one body purged, no row: \(purged)")
        try check(try await store.event(old)?.0.hasBody == false, "the old body is gone")
        try check(try await store.event(recent)?.0.hasBody == true, "the recent body stays")
        let rows = try await store.purge(
            bodiesBefore: Date(timeIntervalSince1970: 0), rowsBefore: Date(timeIntervalSince1970: 1_000_000))
        try check(rows.rows == 1, "the finished old row goes")
        try check(try await store.event(old) == nil, "and is gone")
        try check(try await store.ingest(delivery("new", at: 1_800_000_001)).duplicate, "recent rows still dedupe")
    }
}
