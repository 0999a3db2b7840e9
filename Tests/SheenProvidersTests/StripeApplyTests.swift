import Foundation
import SheenApplication
import SheenAuth
import SheenEngine
import SheenModel
import SheenPlanner
import SheenProviders
import SheenSecrets
import SheenServer
import SheenSimulator
import SheenStore
import SheenWebhooks
import Testing

@Suite("Stripe end to end: sandbox connection, engine, simulator, signed webhook into sheen serve")
struct StripeApplyTests {
    struct Reader: CredentialReader {
        func environmentVariable(_ name: String) -> String? { StripeSimulator.secretKey }
        func contents(ofFile path: String) throws -> String { "" }
        func standardInput() throws -> String { "" }
        func prompt(_ label: String) -> String? { nil }
    }

    /// The Stripe steps of global-saas (AE, dev), with the receiver step, cut loose from the rest of the recipe.
    static func stripePlan(_ request: PlanRequest, state: any StateSnapshot) throws -> Plan {
        var plan = try PlanBuilder(catalog: ProviderFixtures.catalog).plan(request, state: state)
        let kept = Set(
            plan.nodes.filter { $0.provider == "stripe" || $0.id == "recipe.webhook-receiver" }.map(\.id))
        plan.nodes = plan.nodes.filter { kept.contains($0.id) }.map { node in
            var node = node
            node.dependsOn = node.dependsOn.filter(kept.contains)
            return node
        }
        return plan
    }

    @Test(
        "apply rides out a 429 storm and a 5xx burst, pays once, seals the secret; the webhook is verified and stored; a second apply calls nothing"
    )
    func endToEnd() async throws {
        let simulator = try await StripeAdapterTests.start(faults: FaultPlan(rateLimited: 2, serverErrors: 2))
        defer { simulator.server.stop() }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("stripe-e2e-\(UUID()).sqlite").path
        let store = try SQLiteStateStore(path: path)
        let keys = try #require(
            try EnvironmentKeyProvider(environment: [
                "SHEEN_MASTER_KEY": Data(repeating: 9, count: 32).base64EncodedString()
            ]))
        let connections = ConnectionService(store: store, keys: keys, catalog: ProviderFixtures.catalog)
        _ = try await connections.connect(
            ConnectRequest(
                project: "souq", provider: "stripe", environment: .dev, sandbox: true, baseURL: simulator.base,
                fields: [
                    "secret_key": .environment("KEY"), "publishable_key": .literal(StripeSimulator.publishableKey),
                ]),
            reader: Reader())

        let events = SQLiteEventStore(store)
        let receiver = try await WebhookServer(
            ingest: WebhookIngestService(project: "souq", environment: .dev, connections: connections, events: events),
            processor: EventProcessor(events: events)
        ).start(host: "127.0.0.1", port: 0)
        defer { receiver.stop() }

        let bound = try await connections.connections(project: "souq", declared: [])
        var request = try #require(
            PlanRequest(
                project: Project(
                    name: "souq", recipe: Reference("global-saas"), markets: [CountryCode(rawValue: "AE")!],
                    currencies: [], environments: [.dev]),
                environment: .dev, catalog: ProviderFixtures.catalog))
        request.connections = bound
        request.webhookPublicURL = "http://127.0.0.1:\(receiver.port)"
        let scope = StoreScope(project: "souq", environment: .dev)
        let plan = try Self.stripePlan(request, state: try await store.snapshot(scope))
        #expect(
            Set(plan.steps.map(\.kind)) == [
                "stripe.verify-key", "stripe.webhook-endpoint", "stripe.test-payment", "recipe.webhook-receiver",
            ])

        let service = ApplyService(store: store, catalog: ProviderFixtures.catalog, connections: connections)
        let report = try await service.executor(environment: .dev, connections: bound, plan: plan).apply(
            plan, scope: scope)
        #expect(report.ok, "\(report.failed)")

        let world = await simulator.simulator.store.read { $0 }
        #expect(world.ledger.filter { $0.kind == "webhook_endpoint.created" }.count == 1)
        #expect(world.ledger.filter { $0.kind == "payment_intent.succeeded" }.count == 1)
        // The signing secret went to the connection's encrypted store, and the journal never saw it.
        let connection = try #require(bound.first)
        let secret = try #require(try await connections.credentials(of: connection)["webhook_secret"])
        #expect(world.endpoints.values.first?.secret == secret)
        let journal = try await store.steps(in: scope)
        #expect(!journal.contains { $0.outputs.values.contains(secret) })

        // The payment's webhook reached sheen serve, signed with that secret, and was stored.
        var stored: [StoredEvent] = []
        for _ in 0..<250 where stored.isEmpty {
            stored = try await events.events(provider: "stripe", status: nil, limit: 10)
            if stored.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
        }
        let payment = try #require(world.intents.values.first)
        #expect(stored.map(\.event.type) == ["payment_intent.succeeded"])
        #expect(stored.first?.event.objectID == payment.id)

        // The simulator records the delivery once sheen serve has acknowledged it.
        for _ in 0..<500 {
            if await simulator.simulator.store.read({ $0.ledger.contains { $0.kind == "webhook.delivered" } }) { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(await simulator.simulator.store.read { $0.ledger.filter { $0.kind == "webhook.delivered" }.count } == 1)

        // Nothing changed, so nothing is sent.
        let before = await simulator.simulator.store.read { $0.ledger.count }
        let requests = simulator.simulator.requests.value
        let replan = try Self.stripePlan(request, state: try await store.snapshot(scope))
        #expect(!replan.hasChanges)
        let again = try await service.executor(environment: .dev, connections: bound, plan: replan).apply(
            replan, scope: scope)
        #expect(again.ok)
        #expect(simulator.simulator.requests.value == requests, "the second apply called Stripe")
        let after = await simulator.simulator.store.read { $0.ledger.count }
        #expect(after == before)
    }
}
