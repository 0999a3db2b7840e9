import Foundation
import SheenAuth
import SheenEngine
import SheenModel
import SheenSimulator
import SheenTestSupport
import Testing

@testable import SheenProviders

@Suite("Cloudflare adapter and simulator over loopback HTTP")
struct CloudflareTests {
    static func context(
        _ kind: String, base: String, domain: String = "souq.test", credentials: [String: String] = [:]
    ) -> StepContext {
        StepContext(
            stepID: kind, kind: kind, provider: "cloudflare", environment: .dev,
            inputs: ["markets": "SA", "project": "souq", "domain": domain], connection: "cloudflare/default",
            inputHash: "h", idempotencyKey: "cloudflare-key", clock: SystemClock(),
            credentials: CredentialAccess(baseURL: base) {
                Credentials(
                    ["api_token": CloudflareSimulator.apiToken, "account_id": CloudflareSimulator.accountID].merging(
                        credentials
                    ) { _, new in new })
            })
    }

    static var runners: RunnerRegistry {
        var runners = RunnerRegistry()
        ProviderAdapters.register(into: &runners, catalog: ProviderFixtures.catalog)
        return runners
    }

    @Test("the token is verified; a wrong one is refused in Cloudflare's envelope, without echoing it")
    func token() async throws {
        let (server, _, _) = try await Sandbox.simulate("cloudflare")
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)"
        let runner = try #require(Self.runners.runner(for: "cloudflare.verify-token"))
        #expect(
            try await runner.create(Self.context("cloudflare.verify-token", base: base)).outputs["status"] == "active")
        let wrong = await #expect(throws: StepFailure.self) {
            _ = try await runner.create(
                Self.context("cloudflare.verify-token", base: base, credentials: ["api_token": "leaked-token"]))
        }
        #expect(wrong?.message.contains("Invalid API Token (1000)") == true)
        #expect(wrong?.message.contains("leaked-token") == false)
    }

    @Test(
        "the records are found in the domain's parent zone, created once, found again after a crash, and only Sheen's are removed by destroy"
    )
    func records() async throws {
        let (server, ledger, _) = try await Sandbox.simulate("cloudflare")
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)"
        let runner = try #require(Self.runners.runner(for: "cloudflare.dns-records"))
        // The shop lives under the zone souq.test; the zone is found by walking up the name.
        let context = Self.context("cloudflare.dns-records", base: base, domain: "Shop.Souq.test")
        let made = try await runner.create(context)
        #expect(made.outputs["records"]?.contains("CNAME www.shop.souq.test shop.souq.test (proxied)") == true)
        #expect(made.outputs["records"]?.contains(#"CAA shop.souq.test 0 issue "letsencrypt.org""#) == true)
        #expect(made.outputs["record_ids"]?.split(separator: ",").count == 3)
        #expect(try await runner.observe(context) == made)
        #expect(try await runner.update(context) == made)
        #expect(await ledger().map(\.kind) == Array(repeating: "dns_record.created", count: 3))

        var deleting = Self.context("cloudflare.dns-records", base: base)
        deleting.inputs = [:]
        deleting.previousOutputs = made.outputs
        try await runner.delete(deleting)
        try await runner.delete(deleting)
        #expect(try await runner.observe(context) == nil)
        #expect(await ledger().map(\.kind).filter { $0 == "dns_record.deleted" }.count == 3)
    }

    @Test(
        "an owner's own www record is kept, not replaced or deleted; a zone_id that does not hold the domain is refused"
    )
    func ownersRecords() async throws {
        let simulator = try CloudflareSimulator()
        let server = try await LoopbackServer.start(simulator.router())
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)"
        let runner = try #require(Self.runners.runner(for: "cloudflare.dns-records"))
        let context = Self.context("cloudflare.dns-records", base: base)
        _ = try await runner.observe(context)  // the sandbox account now holds souq.test
        let zone = try #require(await simulator.store.read { $0.zones.values.first { $0.name == "souq.test" } })
        _ = try await simulator.create(
            zone: zone.id, Data(#"{"type":"A","name":"www.souq.test","content":"192.0.2.10","proxied":true}"#.utf8))
        let made = try await runner.create(context)
        #expect(made.outputs["records"]?.contains("A www.souq.test 192.0.2.10") == true)
        #expect(made.outputs["record_ids"]?.split(separator: ",").count == 2)
        var deleting = context
        deleting.previousOutputs = made.outputs
        try await runner.delete(deleting)
        #expect(await simulator.store.read { $0.records.values.map(\.name) } == ["www.souq.test"])

        let elsewhere = await #expect(throws: StepFailure.self) {
            _ = try await runner.create(
                Self.context(
                    "cloudflare.dns-records", base: base, domain: "other.example", credentials: ["zone_id": zone.id]))
        }
        #expect(elsewhere?.message.contains("does not hold other.example") == true)
        let none = await #expect(throws: StepFailure.self) {
            _ = try await runner.create(Self.context("cloudflare.dns-records", base: base, domain: "other.example"))
        }
        #expect(none?.message.contains("Cloudflare has no zone for other.example") == true)
    }

    @Test("end to end: global-saas in Saudi Arabia creates its DNS records through a 429 and a 5xx")
    func endToEnd() async throws {
        let harness = try await SandboxHarness.start()
        defer { harness.stop() }
        let (server, _, requests) = try await Sandbox.simulate(
            "cloudflare", faults: Faults(FaultPlan(rateLimited: 1, serverErrors: 1)))
        defer { server.stop() }
        try await harness.connect(
            "cloudflare", base: "http://127.0.0.1:\(server.port)",
            credentials: Sandbox.provider("cloudflare")?.credentials ?? [:])
        try await harness.launchTwice("global-saas", markets: ["SA"], providers: ["cloudflare"], requests: [requests])
    }
}
