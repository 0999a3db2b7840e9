import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SheenAuth
import SheenEngine
import SheenSimulator
import SheenStore
import SheenWebhooks
import Synchronization
import Testing

/// The simulators' fault knobs, and the engine riding each of them out: a rate limit, a connection reset before the
/// call, a timeout, a connection dropped after the provider committed, an answer held past the step's deadline, and a
/// late webhook.
@Suite("Simulator faults: rate limits, resets, timeouts, late webhooks; the engine rides them out")
struct FaultTests {
    /// One provider's creating step, and how to count what it made.
    struct Target: Sendable, CustomStringConvertible {
        let provider: String
        let recipe: String
        let market: String
        let kind: String
        let path: String
        let ledgerKind: String
        /// How long one attempt of the provider's steps may take: Resend's 2 requests a second make its domain step
        /// (create, verify, poll) slower than a single call.
        /// Long enough that a loaded 2-core CI machine answers a plain call within it; the faults hold answers for
        /// three times this, so every held answer still times out.
        var stepTimeout: Duration = .seconds(2)
        /// How many side effects the step makes (Infobip submits each template in each language).
        var count = 1
        /// Slots pinned to the provider, for one no recipe picks by default (Twilio).
        var pins: [String: String] = [:]
        /// The step sends its event again under the same id and the provider drops the repeat (PostHog, Sentry):
        /// nothing to look up, so it is not counted as reconciled; the ledger still holds one.
        var dedupedByProvider: Bool { ["posthog", "sentry"].contains(provider) }
        var description: String { kind }
        var credentials: [String: String] { Sandbox.provider(provider)?.credentials ?? [:] }
    }

    static let targets: [Target] = [
        Target(
            provider: "stripe", recipe: "global-saas", market: "AE", kind: "stripe.test-payment",
            path: "/v1/payment_intents", ledgerKind: "payment_intent.created"),
        Target(
            provider: "tap", recipe: "arabic-ecommerce", market: "SA", kind: "tap.test-charge", path: "/v2/charges",
            ledgerKind: "charge.created"),
        Target(
            provider: "paymob", recipe: "arabic-ecommerce", market: "EG", kind: "paymob.test-intention",
            path: "/v1/intention", ledgerKind: "intention.created"),
        Target(
            provider: "tabby", recipe: "arabic-ecommerce", market: "SA", kind: "tabby.register-webhook",
            path: "/api/v1/webhooks", ledgerKind: "webhook.created"),
        Target(
            provider: "tabby", recipe: "arabic-ecommerce", market: "SA", kind: "tabby.test-checkout",
            path: "/api/v2/checkout", ledgerKind: "checkout.created"),
        Target(
            provider: "unifonic", recipe: "arabic-ecommerce", market: "SA", kind: "unifonic.test-otp",
            path: "/rest/SMS/messages", ledgerKind: "message.sent"),
        Target(
            provider: "resend", recipe: "arabic-ecommerce", market: "SA", kind: "resend.domain", path: "/domains",
            ledgerKind: "domain.created", stepTimeout: .seconds(4)),
        Target(
            provider: "resend", recipe: "arabic-ecommerce", market: "SA", kind: "resend.webhook", path: "/webhooks",
            ledgerKind: "webhook.created", stepTimeout: .seconds(4)),
        Target(
            provider: "aramex", recipe: "arabic-ecommerce", market: "EG", kind: "aramex.test-label",
            path: "/ShippingAPI.V2/Shipping", ledgerKind: "shipment.created"),
        Target(
            provider: "infobip", recipe: "arabic-ecommerce", market: "SA", kind: "infobip.submit-templates",
            path: "/whatsapp/2/senders", ledgerKind: "template.submitted", count: 4),
        Target(
            provider: "infobip", recipe: "arabic-ecommerce", market: "AE", kind: "infobip.test-sms",
            path: "/sms/3/messages", ledgerKind: "sms.sent"),
        Target(
            provider: "twilio", recipe: "saas-mena", market: "AE", kind: "twilio.test-sms", path: "/2010-04-01",
            ledgerKind: "message.created", pins: ["sms": "twilio"]),
        Target(
            provider: "openai", recipe: "ai-application", market: "AE", kind: "openai.test-completion",
            path: "/v1/chat/completions", ledgerKind: "completion.created"),
        Target(
            provider: "posthog", recipe: "ai-application", market: "AE", kind: "posthog.test-event", path: "/i/v0/e",
            ledgerKind: "event.captured"),
        Target(
            provider: "sentry", recipe: "ai-application", market: "AE", kind: "sentry.test-envelope", path: "/api",
            ledgerKind: "event.ingested"),
        Target(
            provider: "clerk", recipe: "ai-application", market: "AE", kind: "clerk.allowed-origins",
            path: "/v1/instance", ledgerKind: "instance.updated"),
        Target(
            provider: "cloudinary", recipe: "ai-application", market: "AE", kind: "cloudinary.arabic-overlay-preset",
            path: "/upload_presets", ledgerKind: "preset.created"),
        Target(
            provider: "vercel", recipe: "global-saas", market: "AE", kind: "vercel.project", path: "/v11/projects",
            ledgerKind: "project.created"),
        Target(
            provider: "cloudflare", recipe: "global-saas", market: "SA", kind: "cloudflare.dns-records",
            path: "/client/v4/zones/dns_records", ledgerKind: "dns_record.created",
            // Three records, one held answer each: every attempt also looks the zone and records up first, which
            // a loaded machine may make slow, so each attempt gets 5 s (4 of the 5 attempts are needed at least).
            stepTimeout: .seconds(5), count: 3),
        Target(
            provider: "supabase", recipe: "saas-mena", market: "SA", kind: "supabase.project", path: "/v1/projects",
            ledgerKind: "project.created"),
        Target(
            provider: "arabic-search", recipe: "arabic-ecommerce", market: "SA", kind: "arabic-search.index",
            path: "/index", ledgerKind: "index.created"),
        Target(
            provider: "auth0", recipe: "enterprise-b2b", market: "AE", kind: "auth0.sso-connection",
            path: "/api/v2/connections", ledgerKind: "connection.created"),
    ]

    /// `target`'s simulator on loopback, with a reader of its ledger.
    static func serve(
        _ target: Target, faults: Faults
    ) async throws -> (LoopbackServer, @Sendable () async -> [String]) {
        let (server, ledger, _) = try await Sandbox.simulate(target.provider, faults: faults)
        return (server, { await ledger().map(\.kind) })
    }

    static func get(_ url: String, key: String, timeout: TimeAmount = .seconds(5)) async throws -> (Int, [String: Any])
    {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let body = try await response.body.collect(upTo: 1 << 20)
        return (
            Int(response.status.code),
            (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
        )
    }

    @Test("Stripe's documented 25 requests a second: a burst of 40 meets Stripe's rate_limit error, then it serves")
    func documentedRateLimit() async throws {
        // The bucket's clock stands still during the burst, so the limit is met whatever the machine's load.
        let clock = ManualInstant()
        let simulator = try StripeSimulator(faults: Faults(clock: clock.now))
        let server = try await LoopbackServer.start(simulator.router())
        defer { server.stop() }
        let url = "http://127.0.0.1:\(server.port)/v1/account"
        // Each answer as its status and Stripe's error code.
        let answers = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
            for _ in 0..<40 {
                group.addTask {
                    // A generous deadline: 40 requests at once on a loaded 2-core machine are slow, not lost.
                    let (status, json) = try await Self.get(url, key: StripeSimulator.secretKey, timeout: .seconds(60))
                    return (status, (json["error"] as? [String: Any])?["code"] as? String)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let limited = answers.filter { $0.0 == 429 }
        #expect(answers.count { $0.0 == 200 } == 25 && limited.count == 15)
        #expect(limited.allSatisfy { $0.1 == "rate_limit" })
        #expect(try await Self.get(url, key: StripeSimulator.secretKey).0 == 429)
        // A fifth of a second later, five requests' worth has refilled.
        clock.advance(by: .milliseconds(200))
        var statuses: [Int] = []
        for _ in 0..<6 { statuses.append(try await Self.get(url, key: StripeSimulator.secretKey).0) }
        #expect(statuses == [200, 200, 200, 200, 200, 429])
    }

    @Test("a rate set in the fault plan limits Tap, which publishes none, in Tap's error body")
    func configuredRateLimit() async throws {
        // One request every four seconds, on a clock that stands still: the second and third find the bucket empty
        // however slowly a loaded machine sends them.
        let clock = ManualInstant()
        let simulator = try TapSimulator(faults: Faults(FaultPlan(requestsPerSecond: 0.25), clock: clock.now))
        let server = try await LoopbackServer.start(simulator.router())
        defer { server.stop() }
        let url = "http://127.0.0.1:\(server.port)/v2/charges/chg_none"
        var statuses: [Int] = []
        var codes: [String] = []
        for _ in 0..<3 {
            let (status, json) = try await Self.get(url, key: TapSimulator.secretKey)
            statuses.append(status)
            codes.append(((json["errors"] as? [[String: Any]])?.first?["code"] as? String) ?? "")
        }
        #expect(statuses == [404, 429, 429])
        #expect(codes == ["1144", "9998", "9998"])
    }

    @Test("a reset and a timeout lose the answer at the caller and change nothing; the next request is served")
    func resetAndTimeout() async throws {
        let simulator = try TapSimulator(
            faults: Faults(FaultPlan(connectionResets: 1, timeouts: 1, stallMilliseconds: 1_500)))
        let server = try await LoopbackServer.start(simulator.router())
        defer { server.stop() }
        let url = "http://127.0.0.1:\(server.port)/v2/charges/chg_none"
        // The reset: the connection closes before a whole answer arrives.
        let reset = await #expect(throws: (any Error).self) {
            _ = try await Self.get(url, key: TapSimulator.secretKey)
        }
        #expect(reset != nil && (reset as? HTTPClientError) != .deadlineExceeded)
        // The stall outlasts the caller's deadline, whatever the machine's load.
        let timeout = await #expect(throws: HTTPClientError.self) {
            _ = try await Self.get(url, key: TapSimulator.secretKey, timeout: .milliseconds(300))
        }
        #expect(timeout == .deadlineExceeded)
        try await Task.sleep(for: .milliseconds(1_500))
        #expect(try await Self.get(url, key: TapSimulator.secretKey).0 == 404)
        #expect(await simulator.store.read { $0.ledger.isEmpty })
    }

    @Test(
        "reset before the call, timed out, dropped after the commit: the engine retries, finds what was made, one side effect",
        arguments: targets)
    func ridesOutDrops(target: Target) async throws {
        let stall = Int(target.stepTimeout.components.seconds) * 3_000
        let faults = Faults(
            FaultPlan(
                connectionResets: 1, timeouts: 1, stallMilliseconds: stall, resetsAfterCommit: 1,
                holdPathPrefix: target.path))
        try await Self.launch(target, faults: faults, stepTimeout: target.stepTimeout)
        let left = faults.plan
        #expect((left.connectionResets, left.timeouts, left.resetsAfterCommit) == (0, 0, 0), "every fault was met")
    }

    @Test(
        "the provider commits, then holds its answer past the step's deadline: retried by looking up, one side effect",
        arguments: targets)
    func ridesOutHeldAnswers(target: Target) async throws {
        let hold = Int(target.stepTimeout.components.seconds) * 3_000
        let faults = Faults(FaultPlan(holdAfterCommitMilliseconds: hold, holdPathPrefix: target.path))
        try await Self.launch(target, faults: faults, stepTimeout: target.stepTimeout)
    }

    /// Applies `target`'s recipe through the engine against its simulator under `faults`: the step succeeds, and
    /// the simulator made exactly one of what it creates.
    static func launch(_ target: Target, faults: Faults, stepTimeout: Duration) async throws {
        let (server, ledger) = try await serve(target, faults: faults)
        defer { server.stop() }
        let harness = try await SandboxHarness.start()
        defer { harness.stop() }
        try await harness.connect(
            target.provider, base: "http://127.0.0.1:\(server.port)", credentials: target.credentials)
        let plan = try await harness.plan(
            target.recipe, markets: [target.market], providers: [target.provider], pins: target.pins)
        let report = try await harness.apply(plan, stepTimeout: stepTimeout)
        #expect(report.ok, "\(target.kind): \(report.failed)")
        // Found by looking up after the lost answer, not made again. A step making several objects finds the ones an
        // attempt made and makes only the rest (the ledger count below), so it is not counted as reconciled.
        if target.count == 1, target.dedupedByProvider == false {
            #expect(report.reconciled.contains(target.kind), "\(target.kind): reconciled \(report.reconciled)")
        }
        let kinds = await ledger()
        #expect(kinds.count { $0 == target.ledgerKind } == target.count, "\(target.kind): \(kinds)")
    }

    @Test("a webhook delivered late arrives after the apply finished, and is stored once")
    func lateWebhook() async throws {
        let simulator = try TapSimulator(faults: Faults(FaultPlan(webhookDelayMilliseconds: 2_000)))
        let server = try await LoopbackServer.start(simulator.router())
        defer { server.stop() }
        let harness = try await SandboxHarness.start()
        defer { harness.stop() }
        try await harness.connect(
            "tap", base: "http://127.0.0.1:\(server.port)", credentials: Sandbox.provider("tap")?.credentials ?? [:])
        let plan = try await harness.plan("arabic-ecommerce", markets: ["SA"], providers: ["tap"])
        #expect(try await harness.apply(plan).ok)
        #expect(try await harness.events.events(provider: "tap", status: nil, limit: 10).isEmpty)
        let stored = try await harness.events(of: "tap", count: 1)
        #expect(stored.count == 1)
        // The simulator records the delivery once the receiver has answered it.
        var delivered = 0
        for _ in 0..<100 where delivered == 0 {
            delivered = await simulator.store.read { $0.ledger.count { $0.kind == "webhook.delivered" } }
            if delivered == 0 { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(delivered == 1)
    }
}

/// A monotonic instant tests move by hand.
final class ManualInstant: Sendable {
    private let instant = Mutex(ContinuousClock.now)

    var now: @Sendable () -> ContinuousClock.Instant { { self.instant.withLock { $0 } } }

    func advance(by duration: Duration) { instant.withLock { $0 += duration } }
}
