import Foundation
import SheenEngine
import SheenModel
import SheenPlanner

/// The behaviour every ``StateStore`` must have. Each store's test target runs these checks against its own
/// implementation, so the in-memory, SQLite and (later) PostgreSQL stores cannot drift apart.
public enum StateStoreContract {
    public struct Violation: Error, CustomStringConvertible {
        public let description: String
    }

    static func check(_ condition: Bool, _ message: String) throws {
        if !condition { throw Violation(description: message) }
    }

    static let scope = StoreScope(project: "contract", environment: .dev)
    static let other = StoreScope(project: "contract", environment: .prod)

    static func state(
        _ id: String, _ status: StepRecord.Status, attempts: Int = 1, level: Int = 0, at: Date
    ) -> StepState {
        StepState(
            stepID: id, kind: "sheen.data", provider: nil, status: status, inputHash: "h-\(id)",
            idempotencyKey: "key-\(id)", requestFingerprint: "f-\(id)", attempts: attempts,
            outputs: ["hash": "h-\(id)"],
            externalID: "x-\(id)", level: level, updatedAt: at)
    }

    /// Runs every check; throws the first ``Violation``.
    public static func run(_ store: any StateStore) async throws {
        try await journal(store)
        try await locks(store)
        try await racingLocks(store)
        try await breakers(store)
    }

    public static func journal(_ store: any StateStore) async throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        try await store.record(state("b", .inFlight, at: now), in: scope)
        try await store.record(state("a", .succeeded, at: now), in: scope)
        try await store.record(state("b", .succeeded, attempts: 2, level: 3, at: now), in: scope)
        try await store.record(state("c", .failed, at: now), in: other)
        let steps = try await store.steps(in: scope)
        try check(
            steps.map(\.stepID) == ["a", "b"], "steps are per scope and sorted by id, got \(steps.map(\.stepID))")
        try check(steps.last?.status == .succeeded && steps.last?.attempts == 2, "the latest transition wins")
        try check(
            steps.last?.level == 3 && steps.last?.outputs == ["hash": "h-b"] && steps.last?.externalID == "x-b",
            "all fields round-trip")
        try check(steps.last?.updatedAt == now, "dates round-trip")
        try await store.remove("a", in: scope, at: now)
        try check(try await store.steps(in: scope).map(\.stepID) == ["b"], "remove deletes the row")
        try check(try await store.steps(in: other).map(\.status) == [.failed], "scopes are independent")
        let snapshot = try await store.snapshot(scope)
        try check(snapshot.record(for: "b")?.inputHash == "h-b", "the snapshot serves the planner")
        var skipped = state("d", .skipped, at: now)
        skipped.created = true
        try await store.record(skipped, in: scope)
        try check(
            try await store.snapshot(scope).record(for: "d")?.created == true,
            "whether a step ever succeeded survives a later status")
        try await store.record(state("d", .skipped, at: now), in: scope)
        try check(try await store.snapshot(scope).record(for: "d")?.created == false, "created round-trips false")
        try await store.remove("d", in: scope, at: now)
        let scopes = try await store.scopes()
        try check(scopes.contains(scope) && scopes.contains(other), "every scope with steps is listed, got \(scopes)")
    }

    public static func locks(_ store: any StateStore) async throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let first = LockInfo(
            holder: "first", processID: 1, host: "h", acquiredAt: now, expiresAt: now.addingTimeInterval(60))
        let second = LockInfo(
            holder: "second", processID: 2, host: "h", acquiredAt: now.addingTimeInterval(10),
            expiresAt: now.addingTimeInterval(70))
        _ = try await store.acquireLock(scope, as: first, isStale: { _ in false })
        do {
            _ = try await store.acquireLock(scope, as: second, isStale: { _ in false })
            throw Violation(description: "a live lease must refuse a second holder")
        } catch let held as LockHeld {
            try check(
                held.lock.holder == "first" && held.lock.acquiredAt == now,
                "the refusal names the holder and since when")
        }
        let taken = try await store.acquireLock(scope, as: second, isStale: { $0.holder == "first" })
        try check(taken.token > 0, "a grant carries a fencing token")
        try await store.renewLock(scope, fence: taken.fence, until: now.addingTimeInterval(120))
        do {
            try await store.renewLock(
                scope, fence: LockFence(holder: "first", token: taken.token - 1), until: now.addingTimeInterval(120))
            throw Violation(description: "a holder that lost its lease cannot renew it")
        } catch is LockLost {}
        let late = LockInfo(
            holder: "third", processID: 3, host: "h", acquiredAt: now.addingTimeInterval(121),
            expiresAt: now.addingTimeInterval(181))
        let third = try await store.acquireLock(scope, as: late, isStale: { _ in false })
        try check(third.token > taken.token, "each grant's token is greater than the last")

        // Fencing: the run that lost its lease can no longer write; the holder can.
        do {
            try await store.record(state("fenced", .succeeded, at: now), in: scope, fence: taken.fence)
            throw Violation(description: "a write with a superseded fence must be refused")
        } catch is LockLost {}
        try check(
            try await store.steps(in: scope).allSatisfy { $0.stepID != "fenced" }, "a refused write leaves no row")
        do {
            try await store.remove("b", in: scope, at: now, fence: taken.fence)
            throw Violation(description: "a removal with a superseded fence must be refused")
        } catch is LockLost {}
        try await store.record(state("fenced", .succeeded, at: now), in: scope, fence: third.fence)
        try await store.remove("fenced", in: scope, at: now, fence: third.fence)
        try await store.releaseLock(scope, holder: "third")
        do {
            try await store.record(state("fenced", .succeeded, at: now), in: scope, fence: third.fence)
            throw Violation(description: "a write after the lock was released must be refused")
        } catch is LockLost {}
        let again = try await store.acquireLock(scope, as: first, isStale: { _ in false })
        try check(again.token > third.token, "tokens are never reissued after a release")
        try await store.releaseLock(scope, holder: "first")
    }

    /// Sixteen runs asking for one free lock at once: exactly one gets it, and every other is told who did.
    public static func racingLocks(_ store: any StateStore) async throws {
        let contested = StoreScope(project: "contract-race", environment: .prod)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let outcomes = try await withThrowingTaskGroup(of: String?.self) { group in
            for index in 0..<16 {
                group.addTask {
                    let holder = LockInfo(
                        holder: "racer-\(index)", processID: Int32(100 + index), host: "h", acquiredAt: now,
                        expiresAt: now.addingTimeInterval(60))
                    do {
                        return try await store.acquireLock(contested, as: holder, isStale: { _ in false }).holder
                    } catch is LockHeld {
                        return nil
                    }
                }
            }
            var winners: [String] = []
            for try await outcome in group { if let outcome { winners.append(outcome) } }
            return winners
        }
        try check(outcomes.count == 1, "exactly one of sixteen racing runs gets the lock, got \(outcomes)")
        try await store.releaseLock(contested, holder: outcomes[0])
    }

    public static func breakers(_ store: any StateStore) async throws {
        try check(try await store.breaker(for: "tap/default") == nil, "no breaker until one is saved")
        let open = CircuitBreaker(state: .open(until: Date(timeIntervalSince1970: 1_800_000_030)))
        try await store.saveBreaker(open, for: "tap/default")
        try check(try await store.breaker(for: "tap/default") == open, "breaker state round-trips")
        try await store.saveBreaker(CircuitBreaker(), for: "tap/default")
        try check(try await store.breaker(for: "tap/default") == CircuitBreaker(), "saving replaces")
    }
}
