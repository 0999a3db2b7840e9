import Foundation
import SheenAuth
import SheenEngine
import SheenModel
import SheenSimulator
import SheenTestSupport
import Synchronization
import Testing

@testable import SheenProviders

@Suite("Supabase adapter and simulator over loopback HTTP")
struct SupabaseTests {
    final class Saved: Sendable {
        let values = Mutex<[String: String]>([:])
    }

    static func context(
        _ kind: String, base: String, saved: Saved = Saved(), credentials: [String: String] = [:]
    ) -> StepContext {
        let all = [
            "access_token": SupabaseSimulator.accessToken, "organization_id": SupabaseSimulator.organization,
            "db_password": "p@ss word/with:colons",
        ].merging(credentials) { _, new in new }
        return StepContext(
            stepID: kind, kind: kind, provider: "supabase", environment: .dev,
            inputs: ["markets": "SA", "project": "souq", "regions": "eu-central-1,ap-south-1"],
            connection: "supabase/default", inputHash: "h", idempotencyKey: "supabase-key", clock: SystemClock(),
            credentials: CredentialAccess(
                baseURL: base, save: { field, value in saved.values.withLock { $0[field] = value } }
            ) { Credentials(all) })
    }

    static var runners: RunnerRegistry {
        var runners = RunnerRegistry()
        ProviderAdapters.register(into: &runners, catalog: ProviderFixtures.catalog)
        return runners
    }

    @Test(
        "the project is created once in the first ranked region, waited on until healthy, found again by name; its connection string is sealed into the connection, not the outputs"
    )
    func project() async throws {
        let (server, ledger, _) = try await Sandbox.simulate("supabase")
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)"
        let runner = try #require(Self.runners.runner(for: "supabase.project"))
        let saved = Saved()
        let context = Self.context("supabase.project", base: base, saved: saved)
        #expect(try await runner.observe(context) == nil)
        let made = try await runner.create(context)
        #expect(made.outputs["status"] == "ACTIVE_HEALTHY" && made.outputs["region"] == "eu-central-1")
        let ref = try #require(made.externalID)
        #expect(made.outputs.values.allSatisfy { !$0.contains("p@ss") })
        let url = try #require(saved.values.withLock { $0["database_url"] })
        #expect(url == "postgresql://postgres:p%40ss%20word%2Fwith%3Acolons@db.\(ref).supabase.co:5432/postgres")
        #expect(try await runner.observe(context) == made)

        let noPassword = await #expect(throws: StepFailure.self) {
            _ = try await runner.create(Self.context("supabase.project", base: base, credentials: ["db_password": ""]))
        }
        #expect(noPassword?.message.contains("no db_password") == true)
        let denied = await #expect(throws: StepFailure.self) {
            _ = try await runner.create(
                Self.context("supabase.project", base: base, credentials: ["organization_id": "someone-else"]))
        }
        #expect(denied?.message.contains("permission to create a project") == true)

        var deleting = context
        deleting.externalID = ref
        try await runner.delete(deleting)
        try await runner.delete(deleting)
        #expect(try await runner.observe(context) == nil)
        #expect(await ledger().map(\.kind) == ["project.created", "project.deleted"])
    }

    @Test("a project still provisioning past the budget waits, naming its ref; the next run finds it healthy")
    func provisioning() async throws {
        let simulator = try SupabaseSimulator(healthyAfter: .seconds(3600))
        let server = try await LoopbackServer.start(simulator.router())
        defer { server.stop() }
        let context = Self.context("supabase.project", base: "http://127.0.0.1:\(server.port)")
        let waiting = await #expect(throws: StepFailure.self) {
            _ = try await SupabaseProjectRunner(budget: .zero).create(context)
        }
        guard case .waiting(let next)? = waiting?.kind else {
            Issue.record("expected a waiting step, got \(String(describing: waiting))")
            return
        }
        #expect(next.contains("still provisioning project"))
        #expect(waiting?.message.contains("COMING_UP") == true)
        #expect(await simulator.store.read { $0.projects.count } == 1)
    }

    @Test(
        "the Arabic search configuration is installed once through the SQL endpoint, seen by observe, and removed by destroy"
    )
    func arabicSearch() async throws {
        let (server, ledger, _) = try await Sandbox.simulate("supabase")
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)"
        let project = try #require(Self.runners.runner(for: "supabase.project"))
        _ = try await project.create(Self.context("supabase.project", base: base))
        let runner = try #require(Self.runners.runner(for: "supabase.arabic-search-config"))
        let context = Self.context("supabase.arabic-search-config", base: base)
        #expect(try await runner.observe(context) == nil)
        let made = try await runner.create(context)
        #expect(made.outputs["configuration"] == "sheen_arabic")
        #expect(try await runner.observe(context) == made)
        var deleting = context
        deleting.externalID = made.externalID
        try await runner.delete(deleting)
        #expect(try await runner.observe(context) == nil)
        #expect(
            await ledger().map(\.kind) == [
                "project.created", "query.arabic-search-installed", "query.arabic-search-removed",
            ])
    }

    @Test("end to end: saas-mena in Saudi Arabia creates the project and its Arabic search through a 429 and a 5xx")
    func endToEnd() async throws {
        let harness = try await SandboxHarness.start()
        defer { harness.stop() }
        let (server, _, requests) = try await Sandbox.simulate(
            "supabase", faults: Faults(FaultPlan(rateLimited: 1, serverErrors: 1)))
        defer { server.stop() }
        try await harness.connect(
            "supabase", base: "http://127.0.0.1:\(server.port)",
            credentials: Sandbox.provider("supabase")?.credentials ?? [:])
        try await harness.launchTwice("saas-mena", markets: ["SA"], providers: ["supabase"], requests: [requests])
    }
}
