import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SheenAuth
import SheenEngine
import SheenModel
import SheenPlanner
import SheenSimulator
import SheenTestSupport
import SheenWebhooks
import Testing

@testable import SheenProviders

@Suite("Twilio adapter and simulator over loopback HTTP")
struct TwilioTests {
    static func start(faults: FaultPlan = FaultPlan()) async throws -> Simulated<TwilioSimulator> {
        let simulator = try TwilioSimulator(faults: Faults(faults), deliverAfter: .milliseconds(50))
        return try await .serve(simulator, simulator.router())
    }

    static func context(
        _ kind: String, base: String, token: String = TwilioSimulator.authToken,
        sender: String? = TwilioSimulator.number, phone: String? = "+971501234567", key: String = "sms-1"
    ) -> StepContext {
        var inputs = [
            "markets": "AE", "project": "souq", "webhook_url": "http://127.0.0.1:9/v1/webhooks/twilio/default",
        ]
        inputs["owner.phone"] = phone
        return StepContext(
            stepID: kind, kind: kind, provider: "twilio", environment: .dev, inputs: inputs,
            connection: "twilio/default", inputHash: "h", idempotencyKey: key, clock: SystemClock(),
            credentials: CredentialAccess(baseURL: base) {
                var values = ["account_sid": TwilioSimulator.accountSid, "auth_token": token]
                values["sender"] = sender
                return Credentials(values)
            })
    }

    static var runners: RunnerRegistry {
        var runners = RunnerRegistry()
        ProviderAdapters.register(into: &runners, catalog: ProviderFixtures.catalog)
        return runners
    }

    @Test("verify-account reads the account; a wrong auth token is Twilio's 401 with code 20003")
    func verifyAccount() async throws {
        let running = try await Self.start()
        defer { running.server.stop() }
        let runner = try #require(Self.runners.runner(for: "twilio.verify-account"))
        #expect(
            try await runner.create(Self.context("twilio.verify-account", base: running.base)).outputs["status"]
                == "active")
        let failure = await #expect(throws: StepFailure.self) {
            _ = try await runner.create(Self.context("twilio.verify-account", base: running.base, token: "wrong"))
        }
        #expect(failure?.message.contains("20003") == true)
    }

    @Test(
        "verify-sender: the account's number passes, another number fails saying what to do, an alphanumeric ID passes as written"
    )
    func verifySender() async throws {
        let running = try await Self.start()
        defer { running.server.stop() }
        let runner = try #require(Self.runners.runner(for: "twilio.verify-sender"))
        #expect(
            try await runner.create(Self.context("twilio.verify-sender", base: running.base)).outputs["kind"]
                == "number")
        let failure = await #expect(throws: StepFailure.self) {
            _ = try await runner.create(
                Self.context("twilio.verify-sender", base: running.base, sender: "+15005550001"))
        }
        #expect(failure?.message.contains("--field sender=") == true)
        let alpha = try await runner.create(Self.context("twilio.verify-sender", base: running.base, sender: "SOUQ"))
        #expect(alpha.outputs["kind"] == "alphanumeric")
    }

    @Test("test-sms: sent to owner.phone and delivered; observe finds it; refusals carry Twilio's codes")
    func testSMS() async throws {
        let running = try await Self.start()
        defer { running.server.stop() }
        let runner = try #require(Self.runners.runner(for: "twilio.test-sms"))
        let context = Self.context("twilio.test-sms", base: running.base)
        let sent = try await runner.create(context)
        #expect(sent.outputs["status"] == "delivered")
        #expect(try await runner.observe(context)?.externalID == sent.externalID)
        let wrongFrom = await #expect(throws: StepFailure.self) {
            _ = try await runner.create(
                Self.context("twilio.test-sms", base: running.base, sender: "+15005550001", key: "sms-2"))
        }
        #expect(wrongFrom?.message.contains("21606") == true)
        #expect(await running.simulator.store.read { $0.ledger.count { $0.kind == "message.created" } } == 1)
    }

    @Test(
        "end to end: pinned for saas-mena's SMS in the UAE; the status callbacks arrive signed with X-Twilio-Signature and are stored; a second apply calls nothing"
    )
    func endToEnd() async throws {
        let running = try await Self.start(faults: FaultPlan(rateLimited: 1, serverErrors: 1))
        defer { running.server.stop() }
        let harness = try await SandboxHarness.start()
        defer { harness.stop() }
        try await harness.connect(
            "twilio", base: running.base, credentials: Sandbox.provider("twilio")?.credentials ?? [:])
        let plan = try await harness.plan("saas-mena", markets: ["AE"], providers: ["twilio"], pins: ["sms": "twilio"])
        #expect(
            Set(plan.steps.map(\.kind)).isSuperset(of: [
                "twilio.verify-account", "twilio.verify-sender", "twilio.test-sms",
            ]))
        try await harness.launchTwice(
            "saas-mena", markets: ["AE"], providers: ["twilio"], pins: ["sms": "twilio"],
            requests: [running.simulator.requests])
        // One callback per status change the simulator saw (sent may be skipped when delivery is quick); the last is
        // delivered.
        var stored = try await harness.events(of: "twilio", count: 1)
        for _ in 0..<100 where !stored.contains(where: { $0.event.status == "delivered" }) {
            try await Task.sleep(for: .milliseconds(20))
            stored = try await harness.events(of: "twilio", count: 1)
        }
        let message = try #require(await running.simulator.store.read { $0.messages.values.first })
        #expect(stored.contains { $0.event.status == "delivered" && $0.event.objectID == message.sid })
    }
}
