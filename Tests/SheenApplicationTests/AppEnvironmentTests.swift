import Foundation
import SheenApplication
import SheenCatalog
import SheenEngine
import SheenModel
import SheenPlanner
import SheenSecrets
import SheenStore
import SheenTestSupport
import Testing

@Suite("The app's environment")
struct AppEnvironmentTests {
    static let catalog = ApplyServiceTests.shipped

    static func connected() async throws -> (SQLiteStateStore, ConnectionService, String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("env-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let store = try SQLiteStateStore(path: (directory as NSString).appendingPathComponent("state.sqlite"))
        let keys = try #require(
            try EnvironmentKeyProvider(environment: [
                "SHEEN_MASTER_KEY": Data(repeating: 5, count: 32).base64EncodedString()
            ]))
        let service = ConnectionService(store: store, keys: keys, catalog: catalog)
        let reader = ConnectionServiceTests.Reader(variables: ["TAP": "sk_test_\"quoted $value"])
        _ = try await service.connect(
            ConnectRequest(
                project: "souq", provider: "tap", environment: .dev,
                fields: ["secret_key": .environment("TAP"), "public_key": .literal("pk_test_public")]), reader: reader)
        return (store, service, directory)
    }

    @Test("names come from the manifests; a secret is withheld unless asked for, then quoted safely")
    func export() async throws {
        let (store, service, _) = try await Self.connected()
        let environment = AppEnvironment(catalog: Self.catalog, connections: service)
        let source = PlanSource.request(try ApplyServiceTests.request(Self.catalog))
        let withheld = try await environment.variables(for: source, store: store, includeSecrets: false)
        let tap = try #require(withheld.first { $0.name == "TAP_SECRET_KEY" })
        #expect(tap.withheld && tap.value == nil && tap.secret)
        #expect(withheld.first { $0.name == "TAP_PUBLIC_KEY" }?.value == "pk_test_public")
        #expect(withheld.contains { $0.name == "WEBHOOK_URL" })
        #expect(withheld.contains { $0.name == "AWS_REGION" })
        #expect(withheld.first { $0.name == "UNIFONIC_APP_SID" }?.notConnected == true)
        let text = AppEnvironment.render(withheld, format: .dotenv)
        #expect(!text.contains("quoted"))
        #expect(text.contains("TAP_PUBLIC_KEY=pk_test_public"))

        let full = try await environment.variables(for: source, store: store, includeSecrets: true)
        let dotenv = AppEnvironment.render(full, format: .dotenv)
        #expect(dotenv.contains(#"TAP_SECRET_KEY="sk_test_\"quoted \$value""#))
        let shell = AppEnvironment.render(full, format: .shell)
        #expect(shell.contains(#"export TAP_SECRET_KEY='sk_test_"quoted $value'"#))
        let example = AppEnvironment.example(full)
        #expect(!example.contains("pk_test_public") && example.contains("TAP_SECRET_KEY=\n"))
    }

    @Test("the env-file step writes .env.<environment> 0600, with the secrets, and keeps it out of git")
    func envFileStep() async throws {
        let (store, service, directory) = try await Self.connected()
        let request = try ApplyServiceTests.request(Self.catalog)
        let plan = try PlanBuilder(catalog: Self.catalog).plan(request, state: InMemoryStateSnapshot())
        var runners = RunnerRegistry()
        let scripted = ScriptedRunner()
        for node in plan.nodes where node.role != .checklist && node.kind != "recipe.env-file" {
            runners.register(scripted, for: node.kind)
        }
        let apply = ApplyService(
            store: store, catalog: Self.catalog, settings: ApplySettings(projectDirectory: directory),
            runners: runners, clock: MockClock(), connections: service)
        guard case .ran(let report) = try await apply.apply(.request(request), confirm: { _ in true }) else {
            Issue.record("the apply did not run")
            return
        }
        #expect(report.failed.isEmpty, "\(report.failed)")
        let path = (directory as NSString).appendingPathComponent(".env.dev")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("TAP_PUBLIC_KEY=pk_test_public"))
        #expect(text.contains("TAP_SECRET_KEY="))
        let ignore = try String(
            contentsOfFile: (directory as NSString).appendingPathComponent(".gitignore"), encoding: .utf8)
        #expect(ignore.contains(".env.dev"))
        let step = try #require(
            try await store.steps(in: PlanSource.request(request).scope).first { $0.stepID == "recipe.env" })
        #expect(step.status == .succeeded && step.outputs["path"] == path)
    }
}
