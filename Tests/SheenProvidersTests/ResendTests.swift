import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SheenApplication
import SheenAuth
import SheenEngine
import SheenModel
import SheenPlanner
import SheenSimulator
import SheenStore
import SheenTestSupport
import Synchronization
import Testing

@testable import SheenProviders

@Suite("Resend adapter and simulator over loopback HTTP")
struct ResendTests {
    static func start(
        faults: FaultPlan = FaultPlan(requestsPerSecond: 1_000), verifyAfter: Duration = .milliseconds(50)
    ) async throws -> Simulated<ResendSimulator> {
        let simulator = try ResendSimulator(faults: Faults(faults), verifyAfter: verifyAfter)
        return try await .serve(simulator, simulator.router())
    }

    static func context(
        _ kind: String, base: String, key: String = ResendSimulator.apiKey, domain: String? = "souq.test",
        saved: StripeAdapterTests.Saved = StripeAdapterTests.Saved(), externalID: String? = nil
    ) -> StepContext {
        var inputs = [
            "markets": "SA", "project": "souq", "webhook_url": "https://hooks.example.sa/v1/webhooks/resend/default",
        ]
        inputs["domain"] = domain
        return StepContext(
            stepID: kind, kind: kind, provider: "resend", environment: .dev, inputs: inputs,
            connection: "resend/default", inputHash: "h", idempotencyKey: "resend-key", externalID: externalID,
            clock: SystemClock(),
            credentials: CredentialAccess(
                baseURL: base, save: { field, value in saved.values.withLock { $0[field] = value } },
                {
                    var values = ["api_key": key]
                    values["webhook_secret"] = saved["webhook_secret"]
                    return Credentials(values)
                }))
    }

    static var runners: RunnerRegistry {
        var runners = RunnerRegistry()
        ProviderAdapters.register(into: &runners, catalog: ProviderFixtures.catalog)
        return runners
    }

    @Test("verify-key lists domains; a key without re_ is Resend's 403 invalid_api_key")
    func verifyKey() async throws {
        let running = try await Self.start()
        defer { running.server.stop() }
        let runner = try #require(Self.runners.runner(for: "resend.verify-key"))
        #expect(
            try await runner.create(Self.context("resend.verify-key", base: running.base)).outputs["domains"] == "0")
        let failure = await #expect(throws: StepFailure.self) {
            _ = try await runner.create(Self.context("resend.verify-key", base: running.base, key: "sk_nope_123456"))
        }
        #expect(failure?.message.contains("invalid_api_key") == true)
    }

    @Test(
        "domain: added in the market's region with its SPF and DKIM records, verified, found again; waits naming the records"
    )
    func domain() async throws {
        let running = try await Self.start()
        defer { running.server.stop() }
        let runner = try #require(Self.runners.runner(for: "resend.domain"))
        let context = Self.context("resend.domain", base: running.base)
        #expect(try await runner.observe(context) == nil)
        let result = try await runner.create(context)
        #expect(result.outputs["status"] == "verified" && result.outputs["domain"] == "souq.test")
        let records = try #require(result.outputs["dns_records"])
        #expect(records.contains("MX send feedback-smtp.eu-west-1.amazonses.com 10"))
        #expect(records.contains("TXT resend._domainkey p="))
        #expect(try await runner.observe(context)?.externalID == result.externalID)
        #expect(await running.simulator.store.read { $0.ledger.count { $0.kind == "domain.created" } } == 1)

        let missing = await #expect(throws: StepFailure.self) {
            _ = try await runner.create(Self.context("resend.domain", base: running.base, domain: nil))
        }
        #expect(missing?.message.contains("set domain in sheen.yaml") == true)

        let slow = try await Self.start(verifyAfter: .seconds(3600))
        defer { slow.server.stop() }
        var waiting = ResendDomainRunner()
        waiting.budget = .milliseconds(200)
        waiting.interval = .milliseconds(100)
        let failure = await #expect(throws: StepFailure.self) {
            _ = try await waiting.create(Self.context("resend.domain", base: slow.base))
        }
        guard case .waiting(let next) = failure?.kind else {
            Issue.record("expected a waiting step: \(String(describing: failure))")
            return
        }
        #expect(next.contains("publish these DNS records for souq.test") && next.contains("MX send"))
    }

    @Test("webhook: the signing secret is sealed; observe adopts an endpoint whose secret was never saved")
    func webhook() async throws {
        let running = try await Self.start()
        defer { running.server.stop() }
        let runner = try #require(Self.runners.runner(for: "resend.webhook"))
        let saved = StripeAdapterTests.Saved()
        let created = try await runner.create(Self.context("resend.webhook", base: running.base, saved: saved))
        let secret = try #require(saved["webhook_secret"])
        #expect(secret.hasPrefix("whsec_"))
        #expect(created.outputs.values.allSatisfy { !$0.contains(secret) })
        let lost = StripeAdapterTests.Saved()
        let adopted = try await runner.observe(Self.context("resend.webhook", base: running.base, saved: lost))
        #expect(adopted?.externalID == created.externalID && lost["webhook_secret"] == secret)
        #expect(await running.simulator.store.read { $0.webhooks.count } == 1)
    }

    static func send(
        _ base: String, _ method: HTTPMethod, _ path: String, _ body: String? = nil,
        key: String? = ResendSimulator.apiKey
    ) async throws -> (Int, [String: Any], HTTPHeaders) {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        let data = try await response.body.collect(upTo: 1 << 20)
        return (
            Int(response.status.code),
            (try? JSONSerialization.jsonObject(with: Data(data.readableBytesView))) as? [String: Any] ?? [:],
            response.headers
        )
    }

    @Test("invalid domains and webhooks are refused with Resend's error body and change nothing")
    func refusals() async throws {
        let running = try await Self.start()
        defer { running.server.stop() }
        let cases: [(String, String?, String?, Int, String)] = [
            ("/domains", #"{"name":"souq.test"}"#, nil, 401, "missing_api_key"),
            ("/domains", #"{"name":"souq.test"}"#, "sk_live_abc", 403, "invalid_api_key"),
            ("/domains", #"{}"#, ResendSimulator.apiKey, 422, "missing_required_field"),
            ("/domains", #"{"name":"not a domain"}"#, ResendSimulator.apiKey, 422, "validation_error"),
            (
                "/domains", #"{"name":"souq.test","region":"me-central-1"}"#, ResendSimulator.apiKey, 422,
                "invalid_region"
            ),
            ("/webhooks", #"{"events":["email.sent"]}"#, ResendSimulator.apiKey, 422, "missing_required_field"),
            (
                "/webhooks", #"{"endpoint":"nowhere","events":["email.sent"]}"#, ResendSimulator.apiKey, 422,
                "validation_error"
            ),
            (
                "/webhooks", #"{"endpoint":"https://h.example/x","events":["email.teleported"]}"#,
                ResendSimulator.apiKey, 422, "validation_error"
            ),
            ("/webhooks", "not json", ResendSimulator.apiKey, 422, "validation_error"),
        ]
        for (path, body, key, status, name) in cases {
            let (answered, json, _) = try await Self.send(running.base, .POST, path, body, key: key)
            #expect(answered == status && json["name"] as? String == name, "\(path) \(body ?? ""): \(json)")
            #expect(json["statusCode"] as? Int == status && json["message"] is String)
        }
        let (missing, json, _) = try await Self.send(running.base, .GET, "/domains/nope")
        #expect(missing == 404 && json["name"] as? String == "not_found")
        #expect(await running.simulator.store.read { $0.domains.isEmpty && $0.webhooks.isEmpty })
    }

    @Test(
        "a domain Resend has not verified yet: the apply ends waiting, and the next plan names the DNS records to publish"
    )
    func waitingDomainInPlan() async throws {
        let running = try await Self.start(verifyAfter: .seconds(3600))
        defer { running.server.stop() }
        let harness = try await SandboxHarness.start()
        defer { harness.stop() }
        try await harness.connect("resend", base: running.base, credentials: ["api_key": ResendSimulator.apiKey])
        var runners = ApplyService.builtInRunners(ApplySettings(), catalog: ProviderFixtures.catalog)
        var quick = ResendDomainRunner()
        quick.budget = .milliseconds(100)
        quick.interval = .milliseconds(50)
        runners.register(quick, for: "resend.domain")
        let plan = try await harness.plan("arabic-ecommerce", markets: ["SA"], providers: ["resend"])
        let report = try await harness.apply(plan, runners: runners)
        #expect(report.failed["resend.domain"].map { if case .waiting = $0.kind { true } else { false } } == true)
        let next = try await harness.plan("arabic-ecommerce", markets: ["SA"], providers: ["resend"])
        let domain = try #require(next.nodes.first { $0.id == "resend.domain" })
        #expect(
            domain.reason == .waiting && domain.note?.contains("MX send feedback-smtp.eu-west-1.amazonses.com") == true,
            "\(domain.note ?? "none")")
        let text = PlanTextRenderer(language: .en).render(next)
        #expect(text.contains("waits: Resend has not yet seen the DNS records of souq.test"))
    }

    @Test("Resend's documented 2 requests a second: the third at once is 429 with retry-after and ratelimit headers")
    func rateLimit() async throws {
        let clock = ManualInstant()
        let simulator = try ResendSimulator(faults: Faults(clock: clock.now))
        let server = try await LoopbackServer.start(simulator.router())
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)"
        var statuses: [Int] = []
        var headers: HTTPHeaders = [:]
        for _ in 0..<3 {
            let (status, _, answered) = try await Self.send(base, .GET, "/domains")
            statuses.append(status)
            headers = answered
        }
        #expect(statuses == [200, 200, 429])
        #expect(headers.first(name: "retry-after") == "1" && headers.first(name: "ratelimit-limit") == "2")
        clock.advance(by: .milliseconds(500))
        #expect(try await Self.send(base, .GET, "/domains").0 == 200)
    }

    @Test(
        "end to end: domain verified and webhook registered through the engine under Resend's rate limit; domain.updated arrives signed and is stored"
    )
    func endToEnd() async throws {
        let running = try await Self.start(faults: FaultPlan(serverErrors: 1))
        defer { running.server.stop() }
        let harness = try await SandboxHarness.start()
        defer { harness.stop() }
        try await harness.connect("resend", base: running.base, credentials: ["api_key": ResendSimulator.apiKey])
        let plan = try await harness.plan("arabic-ecommerce", markets: ["SA"], providers: ["resend"])
        #expect(Set(plan.steps.map(\.kind)).isSuperset(of: ["resend.verify-key", "resend.domain", "resend.webhook"]))
        // No domain in the project: the sandbox connection gets the reserved test name.
        #expect(plan.steps.first { $0.kind == "resend.domain" }?.inputs["domain"] == "souq.test")
        let report = try await harness.apply(plan)
        #expect(report.ok, "\(report.failed)")
        let stored = try await harness.events(of: "resend", count: 1)
        let domain = try #require(await running.simulator.store.read { $0.domains.values.first })
        #expect(domain.status == "verified" && stored.count == 1)
        // The records the domain needed reach the app's environment as RESEND_DNS_RECORDS.
        let environment = AppEnvironment(catalog: ProviderFixtures.catalog, connections: harness.connections)
        let outputs = try await harness.store.steps(in: harness.scope).reduce(into: [String: [String: String]]()) {
            $0[$1.stepID] = $1.outputs
        }
        let variables = try await environment.variables(
            of: try await harness.plan("arabic-ecommerce", markets: ["SA"], providers: ["resend"]),
            bound: try await harness.connections.connections(project: harness.project, declared: []), outputs: outputs,
            includeSecrets: false)
        #expect(variables.first { $0.name == "RESEND_DNS_RECORDS" }?.value?.contains("TXT resend._domainkey") == true)
        let requests = running.simulator.requests.value
        let again = try await harness.plan("arabic-ecommerce", markets: ["SA"], providers: ["resend"])
        #expect(!again.hasChanges)
        #expect(try await harness.apply(again).ok)
        #expect(running.simulator.requests.value == requests)
    }
}
