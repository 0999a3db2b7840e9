import Foundation
import SheenAuth
import SheenEngine
import SheenPlanner
import SheenSimulator
import SheenWebhooks
import Testing

@Suite("Every payments and BNPL step of arabic-ecommerce (SA, KW, EG) against the simulators")
struct PaymentsApplyTests {
    @Test(
        "Tap charges SA and KW, Paymob EG, Tabby registers and checks out; each webhook is stored; a second apply calls nothing"
    )
    func arabicEcommerce() async throws {
        let tap = try TapSimulator()
        let paymob = try PaymobSimulator()
        let tabby = try TabbySimulator()
        let servers = [
            try await LoopbackServer.start(tap.router()), try await LoopbackServer.start(paymob.router()),
            try await LoopbackServer.start(tabby.router()),
        ]
        defer { for server in servers { server.stop() } }
        let harness = try await SandboxHarness.start()
        defer { harness.stop() }
        try await harness.connect(
            "tap", base: "http://127.0.0.1:\(servers[0].port)",
            credentials: ["secret_key": TapSimulator.secretKey, "public_key": TapSimulator.publishableKey])
        try await harness.connect(
            "paymob", base: "http://127.0.0.1:\(servers[1].port)",
            credentials: [
                "secret_key": PaymobSimulator.secretKey, "public_key": PaymobSimulator.publicKey,
                "hmac_secret": PaymobSimulator.hmacSecret,
            ])
        try await harness.connect(
            "tabby", base: "http://127.0.0.1:\(servers[2].port)",
            credentials: [
                "secret_key": TabbySimulator.secretKey, "public_key": TabbySimulator.publicKey,
                "merchant_code": TabbySimulator.merchantCode,
            ])
        let providers: Set<String> = ["tap", "paymob", "tabby"]
        let plan = try await harness.plan("arabic-ecommerce", markets: ["SA", "KW", "EG"], providers: providers)
        #expect(
            Set(plan.steps.map(\.kind)).isSuperset(of: [
                "tap.test-charge", "paymob.test-intention", "tabby.register-webhook", "tabby.test-checkout",
            ]))
        let report = try await harness.apply(plan)
        #expect(report.ok, "\(report.failed)")

        // One Tap connection serves SA and KW: its charge is in the first market's currency.
        let charges = await tap.store.read { Array($0.charges.values) }
        #expect(charges.count == 1 && charges.first?.status == "CAPTURED")
        #expect(await paymob.store.read { $0.intentions.values.map(\.status) } == ["paid"])
        #expect(await tabby.store.read { $0.webhooks.count } == 1)
        #expect(await tabby.store.read { $0.payments.values.map(\.status) } == ["CLOSED"])
        #expect(try await harness.events(of: "tap", count: 1).count == 1)
        #expect(try await harness.events(of: "paymob", count: 1).count == 1)

        let before = (tap.requests.value, paymob.requests.value, tabby.requests.value)
        let again = try await harness.plan("arabic-ecommerce", markets: ["SA", "KW", "EG"], providers: providers)
        #expect(!again.hasChanges)
        #expect(try await harness.apply(again).ok)
        #expect((tap.requests.value, paymob.requests.value, tabby.requests.value) == before)
    }
}
