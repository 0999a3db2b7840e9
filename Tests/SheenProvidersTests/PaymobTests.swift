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

@Suite("Paymob adapter and simulator over loopback HTTP")
struct PaymobTests {
    static func start(
        faults: FaultPlan = FaultPlan(), completeAfter: Duration = .milliseconds(100)
    ) async throws
        -> Simulated<PaymobSimulator>
    {
        let simulator = try PaymobSimulator(faults: Faults(faults), completeAfter: completeAfter)
        return try await .serve(simulator, simulator.router())
    }

    static func context(
        _ kind: String, base: String, key: String = PaymobSimulator.secretKey, idempotencyKey: String = "pm-1"
    )
        -> StepContext
    {
        StepContext(
            stepID: kind, kind: kind, provider: "paymob", environment: .dev,
            inputs: [
                "markets": "EG", "project": "souq", "webhook_url": "http://127.0.0.1:9/v1/webhooks/paymob/default",
            ],
            connection: "paymob/default", inputHash: "h", idempotencyKey: idempotencyKey, clock: SystemClock(),
            credentials: CredentialAccess(baseURL: base) {
                Credentials([
                    "secret_key": key, "public_key": PaymobSimulator.publicKey,
                    "hmac_secret": PaymobSimulator.hmacSecret,
                ])
            })
    }

    static var runners: RunnerRegistry {
        var runners = RunnerRegistry()
        ProviderAdapters.register(into: &runners, catalog: ProviderFixtures.catalog)
        return runners
    }

    @Test(
        "verify-key lists intentions; test-intention pays 100 piastres once; observe finds it by its special reference")
    func intention() async throws {
        let running = try await Self.start()
        defer { running.server.stop() }
        let verify = try #require(Self.runners.runner(for: "paymob.verify-key"))
        #expect(
            try await verify.create(Self.context("paymob.verify-key", base: running.base)).outputs["intentions"] == "0")
        let failure = await #expect(throws: StepFailure.self) {
            _ = try await verify.create(Self.context("paymob.verify-key", base: running.base, key: "not-a-key"))
        }
        #expect(
            failure?.kind == .http(status: 401, retryAfter: nil) && failure?.message.contains("Invalid token") == true)

        let runner = try #require(Self.runners.runner(for: "paymob.test-intention"))
        let paid = try await runner.create(Self.context("paymob.test-intention", base: running.base))
        #expect(paid.outputs["status"] == "paid")
        let intention = try #require(await running.simulator.store.read { $0.intentions[paid.externalID ?? ""] })
        #expect(intention.amount == 100 && intention.currency == "EGP")
        #expect(
            try await runner.observe(Self.context("paymob.test-intention", base: running.base))?.externalID
                == paid.externalID)
        // A reused special reference is refused, as Paymob refuses it: the engine observes before it would resend.
        await #expect(throws: StepFailure.self) {
            _ = try await runner.create(Self.context("paymob.test-intention", base: running.base))
        }
        #expect(await running.simulator.store.read { $0.ledger.filter { $0.kind == "intention.created" }.count } == 1)
    }

    @Test("an unpaid intention ends the step waiting with the checkout URL; once paid there, observe completes it")
    func waits() async throws {
        let running = try await Self.start(completeAfter: .seconds(3600))
        defer { running.server.stop() }
        var runner = PaymobTestIntentionRunner(currencies: [CurrencyCode(rawValue: "EGP")!])
        runner.budget = .milliseconds(300)
        runner.interval = .milliseconds(100)
        let context = Self.context("paymob.test-intention", base: running.base)
        let failure = await #expect(throws: StepFailure.self) { _ = try await runner.create(context) }
        let url = try #require(failure?.waitingURL)
        #expect(url.contains("/unifiedcheckout/?publicKey=") && url.contains("clientSecret=egy_csk_test_"))
        _ = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
        #expect(try await runner.observe(context)?.outputs["status"] == "paid")
    }

    @Test("each invalid intention is refused in one error shape and creates nothing")
    func invalid() async throws {
        let running = try await Self.start()
        defer { running.server.stop() }
        let valid =
            #"{"amount":100,"currency":"EGP","payment_methods":["card"],"billing_data":{"first_name":"A","last_name":"B","email":"a@example.com","phone_number":"+201000000000"}}"#
        let cases: [(String, String?, Int)] = [
            (valid, nil, 401),
            (valid, "Token short", 401),
            (valid.replacingOccurrences(of: #""amount":100,"#, with: ""), "Token \(PaymobSimulator.secretKey)", 400),
            (valid.replacingOccurrences(of: "EGP", with: "XYZ"), "Token \(PaymobSimulator.secretKey)", 400),
            (valid.replacingOccurrences(of: #"["card"]"#, with: "[]"), "Token \(PaymobSimulator.secretKey)", 400),
            (
                valid.replacingOccurrences(of: #""email":"a@example.com","#, with: ""),
                "Token \(PaymobSimulator.secretKey)", 400
            ),
            (
                valid.replacingOccurrences(of: "}}", with: #"},"items":[{"name":"x","amount":50,"quantity":1}]}"#),
                "Token \(PaymobSimulator.secretKey)", 400
            ),
            ("not json", "Token \(PaymobSimulator.secretKey)", 400),
        ]
        for (body, authorization, status) in cases {
            var request = HTTPClientRequest(url: running.base + "/v1/intention/")
            request.method = .POST
            if let authorization { request.headers.add(name: "Authorization", value: authorization) }
            request.body = .bytes(ByteBuffer(string: body))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
            let data = try await response.body.collect(upTo: 1 << 16)
            let json = try JSONSerialization.jsonObject(with: Data(data.readableBytesView)) as? [String: Any]
            #expect(Int(response.status.code) == status, "\(body)")
            #expect(json?.isEmpty == false, "\(body)")
        }
        #expect(await running.simulator.store.read { $0.intentions.isEmpty })
    }

    @Test(
        "end to end: arabic-ecommerce in Egypt pays through the engine; the HMAC-signed callback is verified and stored"
    )
    func endToEnd() async throws {
        let running = try await Self.start(faults: FaultPlan(rateLimited: 1, serverErrors: 1))
        defer { running.server.stop() }
        let harness = try await SandboxHarness.start()
        defer { harness.stop() }
        try await harness.connect(
            "paymob", base: running.base,
            credentials: [
                "secret_key": PaymobSimulator.secretKey, "public_key": PaymobSimulator.publicKey,
                "hmac_secret": PaymobSimulator.hmacSecret,
            ])
        let plan = try await harness.plan("arabic-ecommerce", markets: ["EG"], providers: ["paymob"])
        #expect(
            Set(plan.steps.map(\.kind)) == ["paymob.verify-key", "paymob.test-intention", "recipe.webhook-receiver"])
        let report = try await harness.apply(plan)
        #expect(report.ok, "\(report.failed)")
        let stored = try await harness.events(of: "paymob", count: 1)
        let intention = try #require(await running.simulator.store.read { $0.intentions.values.first })
        #expect(stored.count == 1 && stored.first?.event.objectID == intention.transaction_id.map(String.init))
    }
}
