import Foundation
import SheenApplication
import SheenAuth
import SheenEngine
import SheenPlanner
import SheenSimulator
import SheenStore
import SheenWebhooks
import Testing

@Suite("Stripe end to end: sandbox connection, engine, simulator, signed webhook into sheen serve")
struct StripeApplyTests {
    @Test(
        "apply rides out a 429 storm and a 5xx burst, pays once, seals the secret; the webhook is verified and stored; a second apply calls nothing"
    )
    func endToEnd() async throws {
        let simulator = try await StripeAdapterTests.start(faults: FaultPlan(rateLimited: 2, serverErrors: 2))
        defer { simulator.server.stop() }
        let harness = try await SandboxHarness.start()
        defer { harness.stop() }
        try await harness.connect(
            "stripe", base: simulator.base,
            credentials: ["secret_key": StripeSimulator.secretKey, "publishable_key": StripeSimulator.publishableKey])

        let plan = try await harness.plan("global-saas", markets: ["AE"], providers: ["stripe"])
        #expect(
            Set(plan.steps.map(\.kind)) == [
                "stripe.verify-key", "stripe.webhook-endpoint", "stripe.test-payment", "recipe.webhook-receiver",
            ])
        let report = try await harness.apply(plan)
        #expect(report.ok, "\(report.failed)")

        let world = await simulator.simulator.store.read { $0 }
        #expect(world.ledger.filter { $0.kind == "webhook_endpoint.created" }.count == 1)
        #expect(world.ledger.filter { $0.kind == "payment_intent.succeeded" }.count == 1)
        // The signing secret went to the connection's encrypted store, and the journal never saw it.
        let connection = try #require(try await harness.connections.connections(project: "souq", declared: []).first)
        let secret = try #require(try await harness.connections.credentials(of: connection)["webhook_secret"])
        #expect(world.endpoints.values.first?.secret == secret)
        #expect(!(try await harness.store.steps(in: harness.scope)).contains { $0.outputs.values.contains(secret) })

        // The payment's webhook reached sheen serve, signed with that secret, and was stored.
        let stored = try await harness.events(of: "stripe", count: 1)
        #expect(stored.map(\.event.type) == ["payment_intent.succeeded"])
        #expect(stored.first?.event.objectID == world.intents.values.first?.id)
        // The simulator records the delivery once sheen serve has acknowledged it.
        for _ in 0..<500 {
            if await simulator.simulator.store.read({ $0.ledger.contains { $0.kind == "webhook.delivered" } }) { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(await simulator.simulator.store.read { $0.ledger.filter { $0.kind == "webhook.delivered" }.count } == 1)

        // Nothing changed, so nothing is sent.
        let requests = simulator.simulator.requests.value
        let replan = try await harness.plan("global-saas", markets: ["AE"], providers: ["stripe"])
        #expect(!replan.hasChanges)
        #expect(try await harness.apply(replan).ok)
        #expect(simulator.simulator.requests.value == requests, "the second apply called Stripe")
    }
}
