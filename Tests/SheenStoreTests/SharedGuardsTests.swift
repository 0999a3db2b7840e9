import Foundation
import SheenEngine
import SheenStore
import SheenTestSupport
import Synchronization
import Testing

/// Rate limits and breakers on one PostgreSQL, shared by separate stores (each its own pool, as separate workers have).
@Suite(
    "Shared rate limits and circuit breakers on PostgreSQL",
    .enabled(if: TestPostgres.available, "scripts/test starts PostgreSQL and sets SHEEN_TEST_POSTGRES_URL"))
struct SharedGuardsTests {
    static func stores(_ count: Int) async throws -> [PostgresStore] {
        let url = try await TestPostgres.freshDatabase(prefix: "guards")
        var stores: [PostgresStore] = []
        for _ in 0..<count { stores.append(try await PostgresStore.open(url, maximumConnections: 2)) }
        return stores
    }

    @Test("8 workers × up to 10,000 acquires on one bucket for up to 60 s: grants never exceed burst + rate × t")
    func bucketNeverOverGrants() async throws {
        let workers = try await Self.stores(8)
        let burst = 20
        let rate = 200.0
        let key = "tap/shared-\(UUID().uuidString.prefix(6))"
        let started = ContinuousClock.now
        let deadline = started + .seconds(60)
        // Each grant's answer time; a grant happened no later than its answer and the bucket was made no earlier
        // than `started`, so count(answered by r) ≤ burst + rate × (r − started) must hold for every r.
        let answers = try await withThrowingTaskGroup(of: ([Duration], Int).self) { group in
            for worker in workers {
                group.addTask {
                    var granted: [Duration] = []
                    var asked = 0
                    while asked < 10_000, ContinuousClock.now < deadline {
                        asked += 1
                        if try await worker.takeToken(key, capacity: burst, ratePerSecond: rate) == nil {
                            granted.append(ContinuousClock.now - started)
                        }
                    }
                    return (granted, asked)
                }
            }
            var all: ([Duration], Int) = ([], 0)
            for try await (granted, asked) in group {
                all.0 += granted
                all.1 += asked
            }
            return all
        }
        for worker in workers { await worker.close() }
        let times = answers.0.sorted()
        var worst = -Double.infinity
        for (index, time) in times.enumerated() {
            worst = max(worst, Double(index + 1) - (Double(burst) + rate * time.seconds))
        }
        #expect(worst <= 0, "a moment saw \(worst) more grants than burst + rate × t allows")
        let elapsed = (ContinuousClock.now - started).seconds
        #expect(answers.1 > times.count, "the bucket refused some of \(answers.1) acquires")
        // Not starved either: the grants come close to what the rate allows over the run.
        #expect(Double(times.count) >= rate * elapsed * 0.5, "\(times.count) grants in \(elapsed) s")
        print("shared bucket: \(answers.1) acquires, \(times.count) grants in \(elapsed) s")
    }

    @Test("a waiting answer says how long until the next token; a refused take spends nothing")
    func waits() async throws {
        let store = try await Self.stores(1)[0]
        #expect(try await store.takeToken("slow", capacity: 1, ratePerSecond: 0.01) == nil)
        let wait = try #require(try await store.takeToken("slow", capacity: 1, ratePerSecond: 0.01))
        #expect(wait > .seconds(90) && wait <= .seconds(100), "one token per 100 s: \(wait)")
        let again = try #require(try await store.takeToken("slow", capacity: 1, ratePerSecond: 0.01))
        #expect(again <= wait, "asking again does not push the next token further away")
        await store.close()
    }

    @Test("failures one worker sees open the breaker for all; one probe at a time; a success closes it")
    func sharedBreaker() async throws {
        let stores = try await Self.stores(2)
        let (a, b) = (stores[0], stores[1])
        #expect(try await b.breakerBeforeCall("tap/default", coolDown: .seconds(30)) == .allow)
        for _ in 0..<4 {
            try await a.breakerRecord("tap/default", success: false, failureThreshold: 5, coolDown: .seconds(30))
        }
        #expect(try await b.breakerBeforeCall("tap/default", coolDown: .seconds(30)) == .allow, "four is not five")
        try await a.breakerRecord("tap/default", success: false, failureThreshold: 5, coolDown: .seconds(30))
        guard case .refuse(let retryAt) = try await b.breakerBeforeCall("tap/default", coolDown: .seconds(30)) else {
            Issue.record("the fifth failure, seen by another worker, opens the breaker for this one")
            return
        }
        #expect(retryAt.timeIntervalSinceNow > 25 && retryAt.timeIntervalSinceNow <= 30)
        // A zero cool-down lets the probe through at once: exactly one of many racing callers gets it.
        try await a.breakerRecord("paymob/eg", success: false, failureThreshold: 1, coolDown: .zero)
        let allowed = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<10 {
                let store = index.isMultiple(of: 2) ? a : b
                group.addTask { try await store.breakerBeforeCall("paymob/eg", coolDown: .seconds(30)) == .allow }
            }
            var count = 0
            for try await allowed in group where allowed { count += 1 }
            return count
        }
        #expect(allowed == 1, "one probe while half-open, got \(allowed)")
        try await b.breakerRecord("paymob/eg", success: true, failureThreshold: 1, coolDown: .zero)
        #expect(try await a.breakerBeforeCall("paymob/eg", coolDown: .seconds(30)) == .allow, "closed again")
        for store in stores { await store.close() }
    }

    @Test("a rate limiter on the shared store spends from the same bucket as another worker's")
    func limiterUsesTheStore() async throws {
        let stores = try await Self.stores(2)
        let limits = ["aramex": RateLimiter.Limit(requests: 1, perSeconds: 3600, burst: 3)]
        let first = RateLimiter(limits: limits, shared: stores[0])
        let second = RateLimiter(limits: limits, shared: stores[1])
        let now = Date()
        #expect(try await first.acquire(["aramex"], now: now) == nil)
        #expect(try await second.acquire(["aramex"], now: now) == nil)
        #expect(try await first.acquire(["aramex"], now: now) == nil)
        #expect(try await second.acquire(["aramex"], now: now) != nil, "the burst of 3 is spent across both")
        for store in stores { await store.close() }
    }
}
