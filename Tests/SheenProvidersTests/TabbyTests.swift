import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SheenApplication
import SheenAuth
import SheenEngine
import SheenModel
import SheenPlanner
import SheenProviders
import SheenServer
import SheenSimulator
import SheenWebhooks
import Synchronization
import Testing

@Suite("Tabby adapter and simulator over loopback HTTP")
struct TabbyTests {
    static func start(faults: FaultPlan = FaultPlan()) async throws -> Simulated<TabbySimulator> {
        let simulator = try TabbySimulator(faults: Faults(faults))
        return try await .serve(simulator, simulator.router())
    }

    static let url = "https://hooks.example.sa/v1/webhooks/tabby/default"

    static func context(
        _ kind: String, base: String, saved: StripeAdapterTests.Saved, externalID: String? = nil
    )
        -> StepContext
    {
        StepContext(
            stepID: kind, kind: kind, provider: "tabby", environment: .dev,
            inputs: ["markets": "SA", "project": "souq", "webhook_url": url], connection: "tabby/default",
            inputHash: "h", idempotencyKey: "tabby-key", externalID: externalID, clock: SystemClock(),
            credentials: CredentialAccess(
                baseURL: base, save: { field, value in saved.values.withLock { $0[field] = value } },
                {
                    var values = [
                        "secret_key": TabbySimulator.secretKey, "merchant_code": TabbySimulator.merchantCode,
                    ]
                    values["webhook_secret"] = saved["webhook_secret"]
                    return Credentials(values)
                }))
    }

    static var runners: RunnerRegistry {
        var runners = RunnerRegistry()
        ProviderAdapters.register(into: &runners, catalog: ProviderFixtures.catalog)
        return runners
    }

    @Test("register-webhook seals a fresh header value; observe adopts a registration whose value was never saved")
    func registerWebhook() async throws {
        let running = try await Self.start()
        defer { running.server.stop() }
        let runner = try #require(Self.runners.runner(for: "tabby.register-webhook"))
        let saved = StripeAdapterTests.Saved()
        #expect(
            try await runner.observe(Self.context("tabby.register-webhook", base: running.base, saved: saved)) == nil)
        let result = try await runner.create(Self.context("tabby.register-webhook", base: running.base, saved: saved))
        let value = try #require(saved["webhook_secret"])
        #expect(value.count == 64)
        let registered = try #require(await running.simulator.store.read { $0.webhooks[result.externalID ?? ""] })
        #expect(
            registered.url == Self.url && registered.header.value == value
                && registered.header.title == "X-Tabby-Signature")
        #expect(!result.outputs.values.contains(value))

        // A connection that lost the value (killed before saving) gets Tabby's back.
        let lost = StripeAdapterTests.Saved()
        let adopted = try await runner.observe(Self.context("tabby.register-webhook", base: running.base, saved: lost))
        #expect(adopted?.externalID == result.externalID && lost["webhook_secret"] == value)

        let verify = try #require(Self.runners.runner(for: "tabby.verify-key"))
        let checked = try await verify.create(Self.context("tabby.verify-key", base: running.base, saved: saved))
        #expect(checked.outputs["webhooks"] == "1")

        try await runner.delete(
            Self.context("tabby.register-webhook", base: running.base, saved: saved, externalID: result.externalID))
        #expect(await running.simulator.store.read { $0.webhooks.isEmpty })
    }

    @Test(
        "the simulator refuses a fifth webhook, a missing merchant code, a bad key and a bad body, in one error shape")
    func refusals() async throws {
        let running = try await Self.start()
        defer { running.server.stop() }
        func post(
            _ body: String, key: String? = TabbySimulator.secretKey, code: String? = TabbySimulator.merchantCode
        )
            async throws -> (Int, [String: Any])
        {
            var request = HTTPClientRequest(url: running.base + "/api/v1/webhooks")
            request.method = .POST
            if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
            if let code { request.headers.add(name: "X-Merchant-Code", value: code) }
            request.body = .bytes(ByteBuffer(string: body))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
            let data = try await response.body.collect(upTo: 1 << 16)
            return (
                Int(response.status.code),
                (try? JSONSerialization.jsonObject(with: Data(data.readableBytesView))) as? [String: Any] ?? [:]
            )
        }
        let valid = #"{"url":"https://hooks.example.sa/x","header":{"title":"X-Tabby-Signature","value":"v"}}"#
        for _ in 0..<4 { #expect(try await post(valid).0 == 200) }
        let cases: [(String, String?, String?, Int)] = [
            (valid, TabbySimulator.secretKey, TabbySimulator.merchantCode, 400),
            (valid, nil, TabbySimulator.merchantCode, 401),
            (valid, "sk_live_abcdefghijklmnop", TabbySimulator.merchantCode, 401),
            (valid, TabbySimulator.secretKey, nil, 400),
            (#"{"url":"nowhere","header":{"title":"a","value":"b"}}"#, TabbySimulator.secretKey, "OTHER", 400),
            (#"{"url":"https://hooks.example.sa/x"}"#, TabbySimulator.secretKey, "OTHER", 400),
            ("not json", TabbySimulator.secretKey, "OTHER", 400),
        ]
        for (body, key, code, status) in cases {
            let (answered, json) = try await post(body, key: key, code: code)
            #expect(answered == status, "\(body) \(key ?? "-") \(code ?? "-")")
            #expect(json["status"] as? String == "error" && json["errorType"] is String && json["error"] is String)
        }
        #expect(await running.simulator.store.read { $0.webhooks.count } == 4)
    }

    @Test(
        "end to end: registered through the engine on the Saudi host's stand-in; a delivery with the sealed header is verified"
    )
    func endToEnd() async throws {
        let running = try await Self.start(faults: FaultPlan(rateLimited: 1, serverErrors: 1))
        defer { running.server.stop() }
        let harness = try await SandboxHarness.start()
        defer { harness.stop() }
        try await harness.connect(
            "tabby", base: running.base,
            credentials: [
                "secret_key": TabbySimulator.secretKey, "public_key": TabbySimulator.publicKey,
                "merchant_code": TabbySimulator.merchantCode,
            ])
        let plan = try await harness.plan("arabic-ecommerce", markets: ["SA"], providers: ["tabby"])
        #expect(
            Set(plan.steps.map(\.kind)) == [
                "tabby.verify-key", "tabby.register-webhook", "tabby.test-checkout", "recipe.webhook-receiver",
            ])
        // Planned against Tabby's Saudi host; the sandbox connection's base URL wins.
        #expect(plan.steps.first { $0.kind == "tabby.verify-key" }?.inputs["market_hosts"] == "SA=https://api.tabby.sa")
        let report = try await harness.apply(plan)
        #expect(report.ok, "\(report.failed)")
        let registered = try #require(await running.simulator.store.read { $0.webhooks.values.first })
        #expect(registered.url == "http://127.0.0.1:\(harness.receiver.port)/v1/webhooks/tabby/default")
        // The test checkout's authorization and closing reach the receiver with the sealed header, and are stored.
        let payment = try #require(await running.simulator.store.read { $0.payments.values.first })
        #expect(payment.status == "CLOSED")
        let stored = try await harness.events(of: "tabby", count: 2)
        #expect(stored.count == 2 && stored.allSatisfy { $0.event.objectID == payment.id })

        var delivery = try await WebhookVerifier().sign(
            body: Data(#"{"id":"pay_1","status":"authorized"}"#.utf8), scheme: .tabby, secret: registered.header.value)
        var request = HTTPClientRequest(url: registered.url)
        request.method = .POST
        for field in delivery.headers.fields { request.headers.add(name: field.name, value: field.value) }
        request.body = .bytes(ByteBuffer(bytes: delivery.body))
        #expect(try await HTTPClient.shared.execute(request, timeout: .seconds(5)).status.code == 200)
        delivery.headers.set("X-Tabby-Signature", "forged")
        var forged = HTTPClientRequest(url: registered.url)
        forged.method = .POST
        for field in delivery.headers.fields { forged.headers.add(name: field.name, value: field.value) }
        forged.body = .bytes(ByteBuffer(bytes: delivery.body))
        #expect(try await HTTPClient.shared.execute(forged, timeout: .seconds(5)).status.code == 401)
    }
}
