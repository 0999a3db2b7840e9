import Foundation
import SheenApplication
import SheenAuth
import SheenEngine
import SheenModel
import SheenPlanner
import SheenSecrets
import SheenServer
import SheenSimulator
import SheenStore
import SheenWebhooks
import Testing

/// One project's launch against simulators: a state file, sandbox connections pointing at the simulators, and
/// `sheen serve` receiving their webhooks, applied through the real engine wiring (`ApplyService`).
struct SandboxHarness {
    let store: SQLiteStateStore
    let connections: ConnectionService
    let events: SQLiteEventStore
    let receiver: WebhookServer.Running
    let project = "souq"

    struct Values: CredentialReader {
        let values: [String: String]
        func environmentVariable(_ name: String) -> String? { values[name] }
        func contents(ofFile path: String) throws -> String { "" }
        func standardInput() throws -> String { "" }
        func prompt(_ label: String) -> String? { nil }
    }

    static func start() async throws -> SandboxHarness {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-\(UUID()).sqlite").path
        let store = try SQLiteStateStore(path: path)
        let keys = try #require(
            try EnvironmentKeyProvider(environment: [
                "SHEEN_MASTER_KEY": Data(repeating: 9, count: 32).base64EncodedString()
            ]))
        let connections = ConnectionService(store: store, keys: keys, catalog: ProviderFixtures.catalog)
        let events = SQLiteEventStore(store)
        let receiver = try await WebhookServer(
            ingest: WebhookIngestService(project: "souq", environment: .dev, connections: connections, events: events),
            processor: EventProcessor(events: events)
        ).start(host: "127.0.0.1", port: 0)
        return SandboxHarness(store: store, connections: connections, events: events, receiver: receiver)
    }

    func stop() { receiver.stop() }

    /// A sandbox connection for `provider` at `base` with `credentials`.
    func connect(_ provider: String, base: String, credentials: [String: String]) async throws {
        _ = try await connections.connect(
            ConnectRequest(
                project: project, provider: provider, environment: .dev, sandbox: true, baseURL: base,
                fields: Dictionary(uniqueKeysWithValues: credentials.keys.map { ($0, CredentialInput.environment($0)) })
            ),
            reader: Values(values: credentials))
    }

    var scope: StoreScope { StoreScope(project: project, environment: .dev) }

    /// `recipe`'s plan for `markets` against the recorded state, cut down to `providers`' steps and the receiver;
    /// `pins` choose a provider for a slot as `sheen.yaml`'s `pins:` does.
    func plan(
        _ recipe: String, markets: [String], providers: Set<String>, pins: [String: String] = [:]
    ) async throws -> Plan {
        let bound = try await connections.connections(project: project, declared: [])
        var request = try #require(
            PlanRequest(
                project: Project(
                    name: project, recipe: Reference(recipe), markets: markets.compactMap { CountryCode(rawValue: $0) },
                    currencies: [], environments: [.dev]),
                environment: .dev, catalog: ProviderFixtures.catalog))
        request.connections = bound
        request.pins = pins
        request.webhookPublicURL = "http://127.0.0.1:\(receiver.port)"
        var plan = try PlanBuilder(catalog: ProviderFixtures.catalog).plan(
            request, state: try await store.snapshot(scope))
        let kept = Set(
            plan.nodes.filter { $0.provider.map(providers.contains) ?? false || $0.id == "recipe.webhook-receiver" }
                .map(\.id))
        plan.nodes = plan.nodes.filter { kept.contains($0.id) }.map { node in
            var node = node
            node.dependsOn = node.dependsOn.filter(kept.contains)
            return node
        }
        return plan
    }

    /// Applies `plan` through `ApplyService`; `runners` replaces the shipped ones (a test's short polling budget).
    func apply(
        _ plan: Plan, stepTimeout: Duration = .seconds(600), runners: RunnerRegistry? = nil
    ) async throws -> ExecutionReport {
        let bound = try await connections.connections(project: project, declared: [])
        let service = ApplyService(
            store: store, catalog: ProviderFixtures.catalog, settings: ApplySettings(stepTimeout: stepTimeout),
            runners: runners, connections: connections, events: events)
        return try await service.executor(environment: .dev, connections: bound, plan: plan).apply(plan, scope: scope)
    }

    /// The sandbox's promise for `recipe` in `markets`: the apply succeeds, then the next plan changes nothing and its
    /// apply calls none of the simulators behind `requests`. Returns the first apply's report.
    @discardableResult
    func launchTwice(
        _ recipe: String, markets: [String], providers: Set<String>, pins: [String: String] = [:],
        requests: [RequestCounter]
    ) async throws -> ExecutionReport {
        let plan = try await self.plan(recipe, markets: markets, providers: providers, pins: pins)
        let report = try await apply(plan)
        #expect(report.ok, "\(recipe): \(report.failed)")
        let before = requests.map(\.value)
        let again = try await self.plan(recipe, markets: markets, providers: providers, pins: pins)
        #expect(
            !again.hasChanges,
            "\(recipe): the second plan changes \(again.steps.filter { $0.action != .noop }.map(\.id))")
        #expect(try await apply(again).ok)
        #expect(requests.map(\.value) == before, "\(recipe): a second apply called a provider")
        return report
    }

    /// The stored events of `provider`, waiting up to 5 s for at least `count`.
    func events(of provider: String, count: Int) async throws -> [StoredEvent] {
        var stored: [StoredEvent] = []
        for _ in 0..<250 {
            stored = try await events.events(provider: provider, status: nil, limit: 100)
            if stored.count >= count { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        return stored
    }
}
