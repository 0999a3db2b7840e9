import Foundation
import SheenAuth
import SheenEngine
import SheenModel
import SheenProviders
import SheenSimulator
import SheenTestSupport
import Synchronization
import Testing

@Suite("Stripe adapter against the Stripe simulator, over loopback HTTP")
struct StripeAdapterTests {
    static func start(
        faults: FaultPlan = FaultPlan(), stateFile: String? = nil
    ) async throws -> Simulated<StripeSimulator> {
        let simulator = try StripeSimulator(stateFile: stateFile, faults: Faults(faults))
        return try await .serve(simulator, simulator.router())
    }

    /// What a connection's store received from `save`.
    final class Saved: Sendable {
        let values = Mutex<[String: String]>([:])
        subscript(field: String) -> String? { values.withLock { $0[field] } }
    }

    static func context(
        _ kind: String, base: String, key: String = StripeSimulator.secretKey, inputs: [String: String] = [:],
        idempotencyKey: String = "key-1", saved: Saved = Saved(), externalID: String? = nil
    ) -> StepContext {
        let access = CredentialAccess(
            baseURL: base, save: { field, value in saved.values.withLock { $0[field] = value } },
            {
                var values = ["secret_key": key, "publishable_key": StripeSimulator.publishableKey]
                values["webhook_secret"] = saved["webhook_secret"]
                return Credentials(values)
            })
        return StepContext(
            stepID: kind, kind: kind, provider: "stripe",
            environment: .dev, inputs: ["markets": "AE", "project": "souq"].merging(inputs) { _, new in new },
            connection: "stripe/default", inputHash: "h", idempotencyKey: idempotencyKey, externalID: externalID,
            clock: MockClock(), credentials: access)
    }

    static var runners: RunnerRegistry {
        var runners = RunnerRegistry()
        ProviderAdapters.register(into: &runners, catalog: ProviderFixtures.catalog)
        return runners
    }

    static func runner(_ kind: String) throws -> any StepRunner { try #require(runners.runner(for: kind)) }

    @Test("verify-key reads the account; a live key is refused with Stripe's error, the key masked")
    func verifyKey() async throws {
        let running = try await Self.start()
        defer { running.server.stop() }
        let result = try await Self.runner("stripe.verify-key").create(
            Self.context("stripe.verify-key", base: running.base))
        let account = await running.simulator.store.read { $0.account }
        #expect(result.outputs["account_id"] == account.id && result.externalID == account.id)
        #expect(result.outputs["country"] == "AE")

        let live = "sk_live_0123456789abcdefghij"
        let failure = await #expect(throws: StepFailure.self) {
            _ = try await Self.runner("stripe.verify-key").create(
                Self.context("stripe.verify-key", base: running.base, key: live))
        }
        #expect(failure?.kind == .http(status: 401, retryAfter: nil))
        #expect(failure?.message.contains("Invalid API Key provided: sk_live_****ghij") == true)
        #expect(failure?.message.contains(live) == false)
    }

    @Test("webhook-endpoint registers the receiver URL and seals the signing secret; observe adopts only its own")
    func webhookEndpoint() async throws {
        let running = try await Self.start()
        defer { running.server.stop() }
        let runner = try Self.runner("stripe.webhook-endpoint")
        let saved = Saved()
        let url = "https://hooks.example.sa/v1/webhooks/stripe/default"
        let context = Self.context(
            "stripe.webhook-endpoint", base: running.base, inputs: ["webhook_url": url], saved: saved)
        #expect(try await runner.observe(context) == nil)
        let result = try await runner.create(context)
        let secret = try #require(saved["webhook_secret"])
        #expect(secret.hasPrefix("whsec_"))
        // The secret is in the connection's store, never in the step's outputs.
        #expect(!result.outputs.values.contains(secret))
        let id = try #require(result.externalID)
        let endpoint = try #require(await running.simulator.store.read { $0.endpoints[id] })
        #expect(endpoint.url == url && endpoint.secret == secret)
        #expect(endpoint.enabled_events.contains("payment_intent.succeeded"))
        #expect(try await runner.observe(context)?.externalID == id)

        // Another connection's store (another secret) does not adopt it.
        let stranger = Saved()
        stranger.values.withLock { $0["webhook_secret"] = "whsec_other" }
        #expect(
            try await runner.observe(
                Self.context(
                    "stripe.webhook-endpoint", base: running.base, inputs: ["webhook_url": url], saved: stranger))
                == nil)

        // Sent again under its key (an apply killed before it saved the secret), Stripe replays: still one endpoint.
        let lost = Saved()
        let again = try await runner.create(
            Self.context("stripe.webhook-endpoint", base: running.base, inputs: ["webhook_url": url], saved: lost))
        #expect(again.externalID == id && lost["webhook_secret"] == secret)
        let created = await running.simulator.store.read { $0.ledger.filter { $0.kind == "webhook_endpoint.created" } }
        #expect(created.count == 1)

        try await runner.delete(
            Self.context("stripe.webhook-endpoint", base: running.base, inputs: ["webhook_url": url], externalID: id))
        #expect(await running.simulator.store.read { $0.endpoints.isEmpty })
        // Deleting what is already gone is fine.
        try await runner.delete(
            Self.context("stripe.webhook-endpoint", base: running.base, inputs: ["webhook_url": url], externalID: id))
    }

    @Test("webhook-endpoint without webhooks.public_url says what to set")
    func webhookEndpointNeedsURL() async throws {
        let running = try await Self.start()
        defer { running.server.stop() }
        let failure = await #expect(throws: StepFailure.self) {
            _ = try await Self.runner("stripe.webhook-endpoint").create(
                Self.context("stripe.webhook-endpoint", base: running.base))
        }
        #expect(failure?.message.contains("webhooks.public_url") == true)
        #expect(await running.simulator.store.read { $0.ledger.isEmpty })
    }

    @Test("test-payment: one unit of the market's currency (100 fils of AED, 1000 of KWD), found again by observe")
    func testPayment() async throws {
        let running = try await Self.start()
        defer { running.server.stop() }
        let runner = try Self.runner("stripe.test-payment")
        let context = Self.context("stripe.test-payment", base: running.base, idempotencyKey: "pay-ae")
        #expect(try await runner.observe(context) == nil)
        let result = try await runner.create(context)
        #expect(
            result.outputs["status"] == "succeeded" && result.outputs["amount"] == "100"
                && result.outputs["currency"] == "aed")
        #expect(try await runner.observe(context)?.externalID == result.externalID)

        let kuwait = try await runner.create(
            Self.context("stripe.test-payment", base: running.base, inputs: ["markets": "KW"], idempotencyKey: "pay-kw")
        )
        #expect(kuwait.outputs["amount"] == "1000" && kuwait.outputs["currency"] == "kwd")
        // Sent twice under one key, the payment is made once.
        _ = try await runner.create(context)
        let payments = await running.simulator.store.read { $0.ledger.filter { $0.kind == "payment_intent.succeeded" } }
        #expect(payments.count == 2)
    }
}
