import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SheenAuth
import SheenEngine
import SheenModel
import SheenPlanner
import SheenSimulator
import SheenTestSupport
import SheenWebhooks
import Testing

@testable import SheenProviders

@Suite("Tap adapter and simulator over loopback HTTP")
struct TapTests {
    static func start(
        faults: FaultPlan = FaultPlan(), completeAfter: Duration = .milliseconds(100)
    ) async throws
        -> Simulated<TapSimulator>
    {
        let simulator = try TapSimulator(faults: Faults(faults), completeAfter: completeAfter)
        return try await .serve(simulator, simulator.router())
    }

    static func context(
        _ kind: String, base: String, key: String = TapSimulator.secretKey, markets: String = "SA",
        idempotencyKey: String = "tap-key-1"
    ) -> StepContext {
        StepContext(
            stepID: kind, kind: kind, provider: "tap", environment: .dev,
            inputs: [
                "markets": markets, "project": "souq", "webhook_url": "http://127.0.0.1:9/v1/webhooks/tap/default",
            ],
            connection: "tap/default", inputHash: "h", idempotencyKey: idempotencyKey, clock: SystemClock(),
            credentials: CredentialAccess(baseURL: base) {
                Credentials(["secret_key": key, "public_key": TapSimulator.publishableKey])
            })
    }

    static var runners: RunnerRegistry {
        var runners = RunnerRegistry()
        ProviderAdapters.register(into: &runners, catalog: ProviderFixtures.catalog)
        return runners
    }

    @Test("verify-key lists with a test key; a live key for dev is refused before any call; Tap answers it 1101")
    func verifyKey() async throws {
        let running = try await Self.start()
        defer { running.server.stop() }
        let runner = try #require(Self.runners.runner(for: "tap.verify-key"))
        let result = try await runner.create(Self.context("tap.verify-key", base: running.base))
        #expect(result.outputs["mode"] == "test")
        let failure = await #expect(throws: StepFailure.self) {
            _ = try await runner.create(
                Self.context("tap.verify-key", base: running.base, key: "sk_live_0123456789abcdef"))
        }
        #expect(failure?.message.contains("live key") == true)
        #expect(running.simulator.requests.value == 1)
    }

    @Test(
        "test-charge: 1 SAR in Saudi Arabia, 1.000 KWD in Kuwait, captured; a repeat under its key is the same charge")
    func testCharge() async throws {
        let running = try await Self.start()
        defer { running.server.stop() }
        let runner = try #require(Self.runners.runner(for: "tap.test-charge"))
        let saudi = try await runner.create(Self.context("tap.test-charge", base: running.base))
        #expect(
            saudi.outputs["status"] == "CAPTURED" && saudi.outputs["currency"] == "SAR"
                && saudi.outputs["amount"] == "1")
        let kuwait = try await runner.create(
            Self.context("tap.test-charge", base: running.base, markets: "KW", idempotencyKey: "tap-key-kw"))
        #expect(kuwait.outputs["currency"] == "KWD")
        let again = try await runner.create(Self.context("tap.test-charge", base: running.base))
        #expect(again.externalID == saudi.externalID)
        #expect(
            try await runner.observe(Self.context("tap.test-charge", base: running.base))?.externalID
                == saudi.externalID)
        let created = await running.simulator.store.read { $0.ledger.filter { $0.kind == "charge.created" }.count }
        #expect(created == 2)
    }

    @Test("a charge nobody pays ends the step waiting with the URL to open; once paid, observe completes it")
    func waitsForPayment() async throws {
        let running = try await Self.start(completeAfter: .seconds(3600))
        defer { running.server.stop() }
        var runner = TapTestChargeRunner(currencies: [CurrencyCode(rawValue: "SAR")!])
        runner.budget = .milliseconds(300)
        runner.interval = .milliseconds(100)
        let context = Self.context("tap.test-charge", base: running.base)
        let failure = await #expect(throws: StepFailure.self) { _ = try await runner.create(context) }
        let url = try #require(failure?.waitingURL)
        #expect(url.contains("/sandbox/tap/pay/chg_"))
        // Paying on the page (the sandbox's stand-in for a person with a test card) completes the charge.
        _ = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
        let result = try #require(try await runner.observe(context))
        #expect(result.outputs["status"] == "CAPTURED")
        #expect(await running.simulator.store.read { $0.ledger.filter { $0.kind == "charge.created" }.count } == 1)
    }

    @Test(
        "Tap's published declining test cards, typed on the payment page, end the charge DECLINED, FAILED or TIMEDOUT and the step says so"
    )
    func declines() async throws {
        let running = try await Self.start(completeAfter: .seconds(3600))
        defer { running.server.stop() }
        var runner = TapTestChargeRunner(currencies: [CurrencyCode(rawValue: "SAR")!])
        runner.budget = .milliseconds(200)
        runner.interval = .milliseconds(100)
        let cards = [
            ("1111110123456789", "12/27", "DECLINED"), ("4508750015741019", "05/22", "DECLINED"),
            ("5123450000000008", "04/27", "FAILED"), ("4508750015741019", "08/28", "TIMEDOUT"),
            ("4508750015741019", "01/39", "CAPTURED"),
        ]
        for (index, (card, expiry, status)) in cards.enumerated() {
            let context = Self.context("tap.test-charge", base: running.base, idempotencyKey: "card-\(index)")
            let waiting = await #expect(throws: StepFailure.self) { _ = try await runner.create(context) }
            let url = try #require(waiting?.waitingURL)
            _ = try await HTTPClient.shared.execute(
                HTTPClientRequest(url: "\(url)?card=\(card)&expiry=\(expiry)"), timeout: .seconds(5))
            if status == "CAPTURED" {
                #expect(try await runner.observe(context)?.outputs["status"] == "CAPTURED")
            } else {
                let failure = await #expect(throws: StepFailure.self) { _ = try await runner.observe(context) }
                #expect(failure?.message.contains("ended \(status)") == true, "\(card) \(expiry)")
                #expect(failure?.isRetryable == false)
            }
        }
        let outcomes = await running.simulator.store.read { $0.ledger.map(\.kind).filter { $0 != "charge.created" } }
        #expect(
            outcomes.sorted() == [
                "charge.captured", "charge.declined", "charge.declined", "charge.failed", "charge.timedout",
            ])
    }

    static var valid: [String: Any] {
        [
            "amount": 1, "currency": "SAR", "customer": ["first_name": "A", "email": "a@example.com"],
            "source": ["id": "src_all"], "redirect": ["url": "https://example.com/r"],
        ]
    }

    static func changed(_ key: String, _ value: Any?) -> [String: Any] {
        var body = valid
        body[key] = value
        return body
    }

    @Test("each invalid charge is refused with Tap's error body and creates nothing")
    func invalidCharges() async throws {
        let running = try await Self.start()
        defer { running.server.stop() }
        let cases: [([String: Any], String?, Int)] = [
            (Self.valid, nil, 401),
            (Self.valid, "sk_live_0123456789abcdef", 401),
            (Self.changed("amount", nil), TapSimulator.secretKey, 400),
            (Self.changed("amount", -5), TapSimulator.secretKey, 400),
            (Self.changed("currency", "XYZ"), TapSimulator.secretKey, 400),
            (Self.changed("amount", 1.234), TapSimulator.secretKey, 400),
            (Self.changed("customer", ["last_name": "B"]), TapSimulator.secretKey, 400),
            (Self.changed("source", ["id": "src_made_up"]), TapSimulator.secretKey, 400),
            (Self.changed("redirect", nil), TapSimulator.secretKey, 400),
        ]
        for (body, key, status) in cases {
            var request = HTTPClientRequest(url: running.base + "/v2/charges")
            request.method = .POST
            if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
            let data = try await response.body.collect(upTo: 1 << 16)
            let json = try JSONSerialization.jsonObject(with: Data(data.readableBytesView)) as? [String: Any]
            let errors = json?["errors"] as? [[String: Any]]
            #expect(Int(response.status.code) == status, "\(body)")
            #expect(errors?.first?["code"] is String && errors?.first?["description"] is String, "\(body)")
            if key?.hasPrefix("sk_live_") == true { #expect(errors?.first?["code"] as? String == "1101") }
        }
        var missing = HTTPClientRequest(url: running.base + "/v2/charges/chg_missing")
        missing.headers.add(name: "Authorization", value: "Bearer \(TapSimulator.secretKey)")
        let response = try await HTTPClient.shared.execute(missing, timeout: .seconds(5))
        #expect(response.status.code == 404)
        #expect(await running.simulator.store.read { $0.charges.isEmpty })
    }

    @Test(
        "end to end: arabic-ecommerce in Saudi Arabia charges once through the engine, the signed CAPTURED webhook is stored"
    )
    func endToEnd() async throws {
        let running = try await Self.start(faults: FaultPlan(rateLimited: 1, serverErrors: 1))
        defer { running.server.stop() }
        let harness = try await SandboxHarness.start()
        defer { harness.stop() }
        try await harness.connect(
            "tap", base: running.base,
            credentials: ["secret_key": TapSimulator.secretKey, "public_key": TapSimulator.publishableKey])
        let plan = try await harness.plan("arabic-ecommerce", markets: ["SA"], providers: ["tap"])
        #expect(Set(plan.steps.map(\.kind)) == ["tap.verify-key", "tap.test-charge", "recipe.webhook-receiver"])
        let report = try await harness.apply(plan)
        #expect(report.ok, "\(report.failed)")
        let stored = try await harness.events(of: "tap", count: 1)
        let charge = try #require(await running.simulator.store.read { $0.charges.values.first })
        #expect(stored.first?.event.objectID == charge.id && charge.status == "CAPTURED")
        let requests = running.simulator.requests.value
        let replan = try await harness.plan("arabic-ecommerce", markets: ["SA"], providers: ["tap"])
        #expect(!replan.hasChanges)
        #expect(try await harness.apply(replan).ok)
        #expect(running.simulator.requests.value == requests)
    }
}
