import Foundation
import SheenAuth
import SheenEngine
import SheenModel
import SheenSimulator
import SheenTestSupport
import Synchronization
import Testing

@testable import SheenProviders

/// A wall clock the test moves by hand.
final class ManualTime: Sendable {
    private let date = Mutex(Date(timeIntervalSince1970: 1_790_000_000))
    var now: Date { date.withLock { $0 } }
    func advance(seconds: Double) { date.withLock { $0 += seconds } }
}

@Suite("Vercel adapter and simulator over loopback HTTP")
struct VercelTests {
    static func context(_ kind: String, base: String, token: String = VercelSimulator.token) -> StepContext {
        StepContext(
            stepID: kind, kind: kind, provider: "vercel", environment: .dev,
            inputs: ["markets": "AE", "project": "Souq Online", "domain": "souq.test"], connection: "vercel/default",
            inputHash: "h", idempotencyKey: "vercel-key", clock: SystemClock(),
            credentials: CredentialAccess(baseURL: base) { Credentials(["token": token]) })
    }

    static var runners: RunnerRegistry {
        var runners = RunnerRegistry()
        ProviderAdapters.register(into: &runners, catalog: ProviderFixtures.catalog)
        return runners
    }

    @Test(
        "the project is created once under a name Vercel accepts, found again by name, adopted on a 409, and deleted with its domains"
    )
    func project() async throws {
        let (server, ledger, _) = try await Sandbox.simulate("vercel")
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)"
        let runner = try #require(Self.runners.runner(for: "vercel.project"))
        let context = Self.context("vercel.project", base: base)
        #expect(try await runner.observe(context) == nil)
        let made = try await runner.create(context)
        #expect(made.outputs["project"] == "souq-online")
        #expect(made.externalID?.hasPrefix("prj_") == true)
        #expect(try await runner.observe(context) == made)
        // A create that a crash made once already meets Vercel's 409 and adopts the project.
        #expect(try await runner.create(context) == made)
        let denied = await #expect(throws: StepFailure.self) {
            _ = try await runner.create(Self.context("vercel.project", base: base, token: "wrong"))
        }
        #expect(denied?.message.contains("Not authorized") == true && denied?.message.contains("wrong") == false)
        var deleting = context
        deleting.externalID = made.externalID
        try await runner.delete(deleting)
        try await runner.delete(deleting)
        #expect(try await runner.observe(context) == nil)
        #expect(await ledger().map(\.kind) == ["project.created", "project.deleted"])
    }

    @Test(
        "the domain waits naming Vercel's TXT record until it is verified, then attaches once and detaches on destroy")
    func domain() async throws {
        let clock = ManualTime()
        let simulator = try VercelSimulator(verifyAfter: .seconds(60), now: { clock.now })
        let server = try await LoopbackServer.start(simulator.router())
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)"
        let runners = Self.runners
        let project = try #require(runners.runner(for: "vercel.project"))
        _ = try await project.create(Self.context("vercel.project", base: base))
        let runner = VercelDomainRunner(budget: .zero, interval: .milliseconds(1))
        let context = Self.context("vercel.domain", base: base)
        let waiting = await #expect(throws: StepFailure.self) { _ = try await runner.create(context) }
        guard case .waiting(let next)? = waiting?.kind else {
            Issue.record("expected a waiting step, got \(String(describing: waiting))")
            return
        }
        #expect(next.contains("TXT _vercel.souq.test vc-domain-verify=souq.test"))
        clock.advance(seconds: 61)
        let done = try #require(try await runner.observe(context))
        #expect(done.outputs["verified"] == "true" && done.externalID == "souq.test")
        var deleting = Self.context("vercel.domain", base: base)
        deleting.inputs = [:]
        deleting.externalID = done.externalID
        deleting.previousOutputs = done.outputs
        try await runner.delete(deleting)
        #expect(try await runner.observe(context) == nil)
        #expect(
            await simulator.store.read { $0.ledger.map(\.kind) } == [
                "project.created", "domain.added", "domain.verified", "domain.removed",
            ])
    }

    @Test("end to end: global-saas in the UAE creates its project and attaches the domain through a 429 and a 5xx")
    func endToEnd() async throws {
        let harness = try await SandboxHarness.start()
        defer { harness.stop() }
        let (server, _, requests) = try await Sandbox.simulate(
            "vercel", faults: Faults(FaultPlan(rateLimited: 1, serverErrors: 1)))
        defer { server.stop() }
        try await harness.connect(
            "vercel", base: "http://127.0.0.1:\(server.port)",
            credentials: Sandbox.provider("vercel")?.credentials ?? [:])
        try await harness.launchTwice("global-saas", markets: ["AE"], providers: ["vercel"], requests: [requests])
    }
}
