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
    var project = "souq"
    /// The project's directory: the state file, and the `.env.<environment>` `recipe.env-file` writes.
    var directory = ""
    var environment = DeploymentEnvironment.dev

    struct Values: CredentialReader {
        let values: [String: String]
        func environmentVariable(_ name: String) -> String? { values[name] }
        func contents(ofFile path: String) throws -> String { "" }
        func standardInput() throws -> String { "" }
        func prompt(_ label: String) -> String? { nil }
    }

    static func start(
        project: String = "souq", environment: DeploymentEnvironment = .dev
    ) async throws -> SandboxHarness {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try SQLiteStateStore(path: directory.appendingPathComponent("state.sqlite").path)
        let keys = try #require(
            try EnvironmentKeyProvider(environment: [
                "SHEEN_MASTER_KEY": Data(repeating: 9, count: 32).base64EncodedString()
            ]))
        let connections = ConnectionService(store: store, keys: keys, catalog: ProviderFixtures.catalog)
        let events = SQLiteEventStore(store)
        let receiver = try await WebhookServer(
            ingest: WebhookIngestService(
                project: project, environment: environment, connections: connections, events: events),
            processor: EventProcessor(events: events)
        ).start(host: "127.0.0.1", port: 0)
        return SandboxHarness(
            store: store, connections: connections, events: events, receiver: receiver, project: project,
            directory: directory.path, environment: environment)
    }

    func stop() { receiver.stop() }

    /// A sandbox connection for `provider` at `base` with `credentials`.
    func connect(_ provider: String, base: String, credentials: [String: String]) async throws {
        _ = try await connections.connect(
            ConnectRequest(
                project: project, provider: provider, environment: environment, sandbox: true, baseURL: base,
                fields: Dictionary(uniqueKeysWithValues: credentials.keys.map { ($0, CredentialInput.environment($0)) })
            ),
            reader: Values(values: credentials))
    }

    var scope: StoreScope { StoreScope(project: project, environment: environment) }

    /// `recipe`'s plan for `markets` against the recorded state, cut down to `providers`' steps and the receiver
    /// (`nil`: the whole plan); `pins` choose a provider for a slot as `sheen.yaml`'s `pins:` does.
    func plan(
        _ recipe: String, markets: [String], providers: Set<String>?, pins: [String: String] = [:]
    ) async throws -> Plan {
        let bound = try await connections.connections(project: project, declared: [])
        var request = try #require(
            PlanRequest(
                project: Project(
                    name: project, recipe: Reference(recipe), markets: markets.compactMap { CountryCode(rawValue: $0) },
                    currencies: [], environments: [environment]),
                environment: environment, catalog: ProviderFixtures.catalog))
        request.connections = bound
        request.pins = pins
        request.webhookPublicURL = "http://127.0.0.1:\(receiver.port)"
        var plan = try PlanBuilder(catalog: ProviderFixtures.catalog).plan(
            request, state: try await store.snapshot(scope))
        guard let providers else { return plan }
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
            store: store, catalog: ProviderFixtures.catalog,
            settings: ApplySettings(projectDirectory: directory, stepTimeout: stepTimeout),
            runners: runners, connections: connections, events: events)
        return try await service.executor(environment: environment, connections: bound, plan: plan).apply(
            plan, scope: scope)
    }

    /// The sandbox's promise for `recipe` in `markets`: the apply succeeds, then the next plan changes nothing and its
    /// apply calls none of the simulators behind `requests`. Returns the first apply's report.
    @discardableResult
    func launchTwice(
        _ recipe: String, markets: [String], providers: Set<String>?, pins: [String: String] = [:],
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
