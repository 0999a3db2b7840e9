import Foundation
import SheenEngine
import SheenTestSupport
import Testing

@Suite("Token bucket")
struct TokenBucketTests {
    @Test("grants its burst, then one token per 1/rate seconds")
    func grantTable() {
        let start = Date(timeIntervalSince1970: 0)
        var bucket = TokenBucket(capacity: 2, ratePerSecond: 2, now: start)
        // (seconds since start, expected wait in ms or nil for a grant)
        let table: [(Double, Int64?)] = [
            (0, nil), (0, nil), (0, 500), (0.25, 250), (0.5, nil), (0.5, 500), (1.0, nil), (10, nil), (10, nil),
            (10, 500),
        ]
        for (offset, expected) in table {
            let wait = bucket.take(now: start.addingTimeInterval(offset))
            #expect(wait == expected.map { .milliseconds($0) }, "at \(offset) s")
        }
    }

    @Test("never holds more than its capacity after a long idle")
    func capacity() {
        let start = Date(timeIntervalSince1970: 0)
        var bucket = TokenBucket(capacity: 3, ratePerSecond: 100, now: start)
        let later = start.addingTimeInterval(3600)
        #expect((0..<3).allSatisfy { _ in bucket.take(now: later) == nil })
        #expect(bucket.take(now: later) == .milliseconds(10))
    }

    @Test("the limiter spends every key's bucket and reports the longest wait")
    func limiterKeys() async throws {
        let limiter = RateLimiter(limits: [
            "tap": .init(requests: 10, perSeconds: 1, burst: 1),
            "tap/default": .init(requests: 1, perSeconds: 2, burst: 1),
        ])
        let now = Date(timeIntervalSince1970: 0)
        #expect(try await limiter.acquire(["tap", "tap/default"], now: now) == nil)
        #expect(try await limiter.acquire(["tap", "tap/default"], now: now) == .milliseconds(2000))
        #expect(try await limiter.acquire(["unlimited"], now: now) == nil)
    }

    @Test("concurrent takers never spend one token twice")
    func noLostUpdate() async throws {
        let limiter = RateLimiter(limits: ["p": .init(requests: 1, perSeconds: 3600, burst: 50)])
        let now = Date(timeIntervalSince1970: 0)
        let grants = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<200 { group.addTask { try await limiter.acquire(["p"], now: now) == nil } }
            var count = 0
            for try await granted in group where granted { count += 1 }
            return count
        }
        #expect(grants == 50)
    }
}

@Suite("Retry policy")
struct RetryPolicyTests {
    let policy = RetryPolicy(maxAttempts: 8, base: .milliseconds(200), cap: .seconds(5), maxRetryAfter: .seconds(60))

    @Test("the backoff ceiling doubles from the base and stops at the cap")
    func ceilings() {
        let ceilings = (1...7).map { policy.ceiling(afterAttempt: $0) }
        #expect(ceilings == [200, 400, 800, 1600, 3200, 5000, 5000].map { Duration.milliseconds($0) })
    }

    @Test("full jitter spans zero to the ceiling")
    func jitterBounds() {
        #expect(policy.delay(afterAttempt: 3, retryAfter: nil, unit: 0) == .zero)
        #expect(policy.delay(afterAttempt: 3, retryAfter: nil, unit: 1) == .milliseconds(800))
        #expect(policy.delay(afterAttempt: 3, retryAfter: nil, unit: 0.5) == .milliseconds(400))
        #expect(
            policy.delay(afterAttempt: 3, retryAfter: nil, unit: 7) == .milliseconds(800),
            "out-of-range randomness is clamped")
    }

    @Test("a longer Retry-After wins, clamped to the maximum")
    func retryAfterWins() {
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(2), unit: 1) == .seconds(2))
        #expect(policy.delay(afterAttempt: 6, retryAfter: .seconds(2), unit: 1) == .seconds(5))
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(3600), unit: 0) == .seconds(60))
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(-5), unit: 0) == .zero)
    }
}

@Suite("Retry-After parsing")
struct RetryAfterTests {
    let now = Date(timeIntervalSince1970: 784_111_767)  // Sun, 06 Nov 1994 08:49:27 GMT

    @Test(
        "parses delay-seconds and the three HTTP-date forms",
        arguments: [
            ("120", Duration.seconds(120)), ("0", .zero), (" 7 ", .seconds(7)),
            ("Sun, 06 Nov 1994 08:49:37 GMT", .seconds(10)), ("Sunday, 06-Nov-94 08:49:47 GMT", .seconds(20)),
            ("Sun Nov  6 08:49:57 1994", .seconds(30)), ("Sun, 06 Nov 1994 08:00:00 GMT", .zero),
        ])
    func parses(value: String, expected: Duration) {
        #expect(RetryAfter.parse(value, now: now) == expected)
    }

    @Test("refuses anything else", arguments: ["", "-5", "1.5", "soon", "Sun, 32 Nov 1994 08:49:37 GMT"])
    func refuses(value: String) {
        #expect(RetryAfter.parse(value, now: now) == nil)
    }
}

@Suite("Circuit breaker")
struct CircuitBreakerTests {
    let start = Date(timeIntervalSince1970: 0)

    @Test("closed: failures count up and a success resets them")
    func closed() {
        var breaker = CircuitBreaker(failureThreshold: 5, coolDown: .seconds(30))
        for _ in 0..<4 { breaker.recordFailure(now: start) }
        #expect(breaker.state == .closed(failures: 4))
        #expect(breaker.beforeCall(now: start) == .allow)
        breaker.recordSuccess()
        #expect(breaker.state == .closed(failures: 0))
    }

    @Test("the fifth consecutive failure opens it, and open refuses until the cool-down ends")
    func opens() {
        var breaker = CircuitBreaker(failureThreshold: 5, coolDown: .seconds(30))
        for _ in 0..<5 { breaker.recordFailure(now: start) }
        #expect(breaker.state == .open(until: start.addingTimeInterval(30)))
        #expect(breaker.beforeCall(now: start.addingTimeInterval(29)) == .refuse(retryAt: start.addingTimeInterval(30)))
    }

    @Test("after the cool-down one probe goes through half-open; others wait")
    func halfOpen() {
        var breaker = CircuitBreaker(
            failureThreshold: 1, coolDown: .seconds(30), state: .open(until: start.addingTimeInterval(30)))
        #expect(breaker.beforeCall(now: start.addingTimeInterval(30)) == .allow)
        #expect(breaker.state == .halfOpen(probing: true))
        #expect(breaker.beforeCall(now: start.addingTimeInterval(31)) == .refuse(retryAt: start.addingTimeInterval(61)))
    }

    @Test("a successful probe closes it; a failed probe opens it again")
    func probeOutcome() {
        var healed = CircuitBreaker(state: .halfOpen(probing: true))
        healed.recordSuccess()
        #expect(healed.state == .closed(failures: 0))
        var failed = CircuitBreaker(coolDown: .seconds(30), state: .halfOpen(probing: true))
        failed.recordFailure(now: start)
        #expect(failed.state == .open(until: start.addingTimeInterval(30)))
    }

    @Test("a half-open breaker without a probe in flight lets the next call probe")
    func idleHalfOpen() {
        var breaker = CircuitBreaker(state: .halfOpen(probing: false))
        #expect(breaker.beforeCall(now: start) == .allow)
        #expect(breaker.state == .halfOpen(probing: true))
    }

    @Test("failures are classified: network, timeouts, 408, 409, 429 and 5xx retry; other 4xx fail fast")
    func classification() {
        let retryable: [StepFailure.Kind] = [
            .network, .timeout, .http(status: 408, retryAfter: nil), .http(status: 409, retryAfter: nil),
            .http(status: 429, retryAfter: "1"), .http(status: 503, retryAfter: nil),
        ]
        let final: [StepFailure.Kind] = [
            .http(status: 400, retryAfter: nil), .http(status: 401, retryAfter: nil),
            .http(status: 404, retryAfter: nil), .http(status: 422, retryAfter: nil), .invalid, .unsupported,
        ]
        #expect(retryable.allSatisfy { StepFailure($0, message: "").isRetryable })
        #expect(final.allSatisfy { !StepFailure($0, message: "").isRetryable })
        #expect(StepFailure(.http(status: 401, retryAfter: nil), message: "").hint?.contains("credentials") == true)
    }

    @Test("a step's budget lets its first request go (the attempt paid for it) and meters every further one")
    func requestBudget() async throws {
        let clock = MockClock()
        let limiter = RateLimiter(limits: ["resend": .init(requests: 2, perSeconds: 1, burst: 1)])
        // The attempt's own token, as the executor takes it.
        #expect(try await limiter.acquire(["resend"], now: clock.now()) == nil)
        let budget = RequestBudget(limiter: limiter, keys: ["resend"], clock: clock)
        try await budget.beforeRequest()
        #expect(clock.sleeps.isEmpty, "the first request was paid for")
        try await budget.beforeRequest()
        try await budget.beforeRequest()
        #expect(clock.sleeps == [.milliseconds(500), .milliseconds(500)], "2 a second: each further call waits")
        let unlimited = RequestBudget(limiter: limiter, keys: [], clock: clock)
        for _ in 0..<5 { try await unlimited.beforeRequest() }
        #expect(clock.sleeps.count == 2, "no keys, no waiting")
    }
}
