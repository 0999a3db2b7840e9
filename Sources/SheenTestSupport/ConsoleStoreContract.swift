import Foundation
import SheenEngine
import SheenModel

/// The behaviour every ``ConsoleStore`` must have, run against the SQLite file and PostgreSQL alike.
public enum ConsoleStoreContract {
    static func check(_ condition: Bool, _ message: String) throws { try StateStoreContract.check(condition, message) }

    public static func run(_ store: any ConsoleStore) async throws {
        try await projects(store)
        try await tokens(store)
        try await audit(store)
        try await launches(store)
    }

    static func projects(_ store: any ConsoleStore) async throws {
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        try check(try await store.createProject(ProjectRecord(name: "souq", body: "{\"a\":1}", createdAt: at)), "new")
        try check(
            !(try await store.createProject(ProjectRecord(name: "souq", body: "{\"a\":2}", createdAt: at))),
            "a second project by the same name is refused")
        _ = try await store.createProject(ProjectRecord(name: "clinic", body: "{}", createdAt: at))
        try check(try await store.project(named: "souq")?.body == "{\"a\":1}", "the first body is kept")
        try check(try await store.projects().map(\.name) == ["clinic", "souq"], "projects by name")
        try check(try await store.project(named: "none") == nil, "no such project")
    }

    static func tokens(_ store: any ConsoleStore) async throws {
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        let token = AccessToken(id: "tok_a", name: "ci", projects: ["souq"], scopes: [.read, .write], createdAt: at)
        try await store.saveToken(token, secretHash: "hash-a")
        try await store.saveToken(
            AccessToken(id: "tok_b", name: "ops", projects: ["*"], scopes: [.admin, .read], createdAt: at),
            secretHash: "hash-b")
        try check(try await store.token(secretHash: "hash-a") == token, "a token is found by its secret's hash")
        try check(try await store.token(secretHash: "tok_a") == nil, "never by its id")
        try check(try await store.tokens().map(\.id) == ["tok_a", "tok_b"], "tokens listed")
        try check(try await store.revokeToken(id: "tok_a", at: at), "revoked")
        try check(!(try await store.revokeToken(id: "tok_a", at: at)), "revoking twice changes nothing")
        try check(try await store.token(secretHash: "hash-a") == nil, "a revoked token authenticates nothing")
        try check(try await store.tokens().first?.revokedAt == at, "a revoked token stays listed with its date")
    }

    static func audit(_ store: any ConsoleStore) async throws {
        for (offset, action) in AuditEntry.Action.allCases.enumerated() {
            try await store.appendAudit(
                AuditEntry(
                    at: Date(timeIntervalSince1970: 1_700_000_000 + Double(offset) * 86_400), actor: "token:tok_a (ci)",
                    action: action, project: offset.isMultiple(of: 2) ? "souq" : nil, target: "stripe/default",
                    correlationID: "req-\(offset)"))
        }
        let all = try await store.audit(project: nil, limit: 100)
        try check(all.count == AuditEntry.Action.allCases.count, "every entry kept")
        try check(all.first?.action == AuditEntry.Action.allCases.last, "newest first")
        try check(all.last?.correlationID == "req-0", "correlation ids kept")
        try check(try await store.audit(project: "souq", limit: 100).allSatisfy { $0.project == "souq" }, "by project")
        try check(try await store.audit(project: nil, limit: 2).count == 2, "limited")
        let purged = try await store.purgeAudit(before: Date(timeIntervalSince1970: 1_700_000_000 + 2 * 86_400))
        try check(purged == 2, "entries older than the cut are purged (\(purged))")
        try check(try await store.audit(project: nil, limit: 100).count == all.count - 2, "the rest stay")
    }

    static func launches(_ store: any ConsoleStore) async throws {
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        func record(_ key: String?, hash: String = "h1") -> LaunchRecord {
            LaunchRecord(
                project: "souq", environment: .dev, sandbox: true, idempotencyKey: key, requestHash: hash,
                createdBy: "token:tok_a (ci)", createdAt: at)
        }
        guard case .created(let first) = try await store.createLaunch(record("k1")) else {
            throw StateStoreContract.Violation(description: "a new key creates a launch")
        }
        guard case .existing(let again) = try await store.createLaunch(record("k1", hash: "h2")) else {
            throw StateStoreContract.Violation(description: "the same key returns the existing launch")
        }
        try check(again.id == first.id && again.requestHash == "h1", "the first launch, with its request hash")
        // Twenty callers racing with one key create exactly one launch.
        let results = try await withThrowingTaskGroup(of: LaunchCreation.self) { group in
            for _ in 0..<20 { group.addTask { try await store.createLaunch(record("race")) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let created = results.filter { if case .created = $0 { true } else { false } }
        try check(created.count == 1, "one of 20 racing twins creates (\(created.count))")
        guard case .created(let unkeyed1) = try await store.createLaunch(record(nil)),
            case .created(let unkeyed2) = try await store.createLaunch(record(nil))
        else { throw StateStoreContract.Violation(description: "launches without a key are each new") }
        try check(unkeyed1.id != unkeyed2.id, "distinct ids")
        try check(try await store.launches(project: "souq", limit: 10).first?.id == unkeyed2.id, "newest first")

        try check(try await store.appendLaunchEvent(first.id, body: "{\"n\":1}", at: at) == 1, "events from 1")
        try check(try await store.appendLaunchEvent(first.id, body: "{\"n\":2}", at: at) == 2, "then 2")
        _ = try await store.appendLaunchEvent(unkeyed1.id, body: "{}", at: at)
        try check(try await store.launchEvents(first.id, after: 0).map(\.body) == ["{\"n\":1}", "{\"n\":2}"], "all")
        try check(try await store.launchEvents(first.id, after: 1).map(\.sequence) == [2], "after a sequence")

        try await store.finishLaunch(first.id, status: .succeeded, summary: "{\"ready\":true}", error: nil, at: at)
        let finished = try await store.launch(first.id)
        try check(finished?.status == .succeeded && finished?.summary == "{\"ready\":true}", "finished")
        try check(finished?.finishedAt == at && finished?.sandbox == true, "with its time")
        try check(try await store.launch(999_999) == nil, "no such launch")

        // An unfinished launch whose runner stopped beating is abandoned once, by one of many racing readers.
        try await store.touchLaunch(unkeyed1.id, at: at.addingTimeInterval(100))
        try check(
            !(try await store.abandonLaunch(unkeyed1.id, staleBefore: at.addingTimeInterval(50), error: "x", at: at)),
            "a launch that beat recently is not abandoned")
        let abandoned = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await store.abandonLaunch(
                        unkeyed1.id, staleBefore: at.addingTimeInterval(200), error: "interrupted", at: at)
                }
            }
            return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
        }
        try check(abandoned == 1, "abandoned by exactly one of 8 (\(abandoned))")
        try check(try await store.launch(unkeyed1.id)?.status == .failed, "abandoned is failed")
        try check(
            !(try await store.abandonLaunch(first.id, staleBefore: at.addingTimeInterval(1e6), error: "x", at: at)),
            "a finished launch is never abandoned")
    }
}
