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
import Testing

@testable import SheenProviders

@Suite("Unifonic adapter and simulator over loopback HTTP")
struct UnifonicTests {
    static func start(
        faults: FaultPlan = FaultPlan(), deliverAfter: Duration = .milliseconds(50)
    ) async throws -> Simulated<UnifonicSimulator> {
        let simulator = try UnifonicSimulator(faults: Faults(faults), deliverAfter: deliverAfter)
        return try await .serve(simulator, simulator.router())
    }

    static func context(
        _ kind: String, base: String, app: String = UnifonicSimulator.appSid,
        sender: String? = UnifonicSimulator.senderID, phone: String? = "+966512345678", key: String = "otp-1"
    ) -> StepContext {
        var inputs = ["markets": "SA", "project": "souq"]
        inputs["owner.phone"] = phone
        return StepContext(
            stepID: kind, kind: kind, provider: "unifonic", environment: .dev, inputs: inputs,
            connection: "unifonic/default", inputHash: "h", idempotencyKey: key, clock: SystemClock(),
            credentials: CredentialAccess(baseURL: base) {
                var values = ["app_sid": app]
                values["sender_id"] = sender
                return Credentials(values)
            })
    }

    static var runners: RunnerRegistry {
        var runners = RunnerRegistry()
        ProviderAdapters.register(into: &runners, catalog: ProviderFixtures.catalog)
        return runners
    }

    @Test("verify-app reads the balance; an unknown AppSid is Unifonic's 401 'Authentication failed'")
    func verifyApp() async throws {
        let running = try await Self.start()
        defer { running.server.stop() }
        let runner = try #require(Self.runners.runner(for: "unifonic.verify-app"))
        let result = try await runner.create(Self.context("unifonic.verify-app", base: running.base))
        #expect(result.outputs["currency"] == "SAR" && result.outputs["balance"] == "100")
        let failure = await #expect(throws: StepFailure.self) {
            _ = try await runner.create(Self.context("unifonic.verify-app", base: running.base, app: "WrongAppSid"))
        }
        #expect(failure?.message.contains("Authentication failed") == true)
        #expect(failure?.message.contains("WrongAppSid") == false)
    }

    @Test(
        "verify-sender: approved passes; pending waits for the operators; rejected and unknown fail saying what to do")
    func verifySender() async throws {
        let running = try await Self.start()
        defer { running.server.stop() }
        let runner = try #require(Self.runners.runner(for: "unifonic.verify-sender"))
        let approved = try await runner.create(Self.context("unifonic.verify-sender", base: running.base))
        #expect(approved.outputs["status"] == "Approved")
        let pending = await #expect(throws: StepFailure.self) {
            _ = try await runner.create(Self.context("unifonic.verify-sender", base: running.base, sender: "SheenPend"))
        }
        guard case .waiting = pending?.kind else {
            Issue.record("a pending sender should wait: \(String(describing: pending))")
            return
        }
        for sender in ["SheenRej", "Unknown"] {
            let failure = await #expect(throws: StepFailure.self) {
                _ = try await runner.create(Self.context("unifonic.verify-sender", base: running.base, sender: sender))
            }
            #expect(failure?.isRetryable == false && failure?.message.contains("sender_id") == true, "\(sender)")
        }
    }

    @Test("test-otp: sent to the owner's phone without '+', delivered; observe finds it; a second run sends nothing")
    func testOTP() async throws {
        let running = try await Self.start()
        defer { running.server.stop() }
        let runner = try #require(Self.runners.runner(for: "unifonic.test-otp"))
        let context = Self.context("unifonic.test-otp", base: running.base, phone: "+966512345678")
        #expect(try await runner.observe(context) == nil)
        let result = try await runner.create(context)
        #expect(result.outputs["status"] == "Delivered")
        let message = try #require(await running.simulator.store.read { $0.messages.values.first })
        #expect(message.Recipient == "966512345678" && message.Body.contains("رمز التحقق"))
        #expect(try await runner.observe(context)?.externalID == result.externalID)
        #expect(await running.simulator.store.read { $0.ledger.count { $0.kind == "message.sent" } } == 1)
        let missing = await #expect(throws: StepFailure.self) {
            _ = try await runner.create(Self.context("unifonic.test-otp", base: running.base, phone: nil, key: "otp-2"))
        }
        #expect(missing?.message.contains("owner.phone") == true)
    }

    static func post(_ base: String, _ path: String, _ form: [(String, String)]) async throws -> (Int, [String: Any]) {
        var request = HTTPClientRequest(url: base + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: FormEncoding.encode(form)))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        let data = try await response.body.collect(upTo: 1 << 20)
        return (
            Int(response.status.code),
            (try? JSONSerialization.jsonObject(with: Data(data.readableBytesView))) as? [String: Any] ?? [:]
        )
    }

    @Test("each invalid send is refused with Unifonic's code and message, and sends nothing")
    func invalidSends() async throws {
        let running = try await Self.start()
        defer { running.server.stop() }
        let valid: [(String, String)] = [
            ("AppSid", UnifonicSimulator.appSid), ("SenderID", "SheenTest"), ("Recipient", "966512345678"),
            ("Body", "hello"),
        ]
        func without(_ name: String) -> [(String, String)] { valid.filter { $0.0 != name } }
        func with(_ name: String, _ value: String) -> [(String, String)] { without(name) + [(name, value)] }
        let cases: [([(String, String)], Int, String)] = [
            (without("AppSid"), 402, "Missing parameter AppSid"),
            (with("AppSid", "nope"), 401, "Authentication failed"),
            (with("Recipient", "+966512345678"), 410, "Invalid recipient format"),
            (with("Recipient", "00966512345678"), 410, "Invalid recipient format"),
            (with("Recipient", "966401234567"), 410, "Invalid recipient format"),
            (with("SenderID", "SheenPend"), 480, "This user cannot use specified SenderID"),
            (without("Body"), 402, "Missing parameter Body"),
        ]
        for (form, status, message) in cases {
            let (answered, json) = try await Self.post(running.base, "/rest/SMS/messages", form)
            #expect(answered == status, "\(form)")
            #expect(json["success"] as? Bool == false && json["message"] as? String == message, "\(json)")
        }
        #expect(await running.simulator.store.read { $0.messages.isEmpty })
    }

    @Test(
        "end to end: arabic-ecommerce in Saudi Arabia through a 429 and a 5xx, the owner's phone from the plan; a second apply calls nothing"
    )
    func endToEnd() async throws {
        let running = try await Self.start(faults: FaultPlan(rateLimited: 1, serverErrors: 1))
        defer { running.server.stop() }
        let harness = try await SandboxHarness.start()
        defer { harness.stop() }
        try await harness.connect(
            "unifonic", base: running.base,
            credentials: ["app_sid": UnifonicSimulator.appSid, "sender_id": UnifonicSimulator.senderID])
        let plan = try await harness.plan("arabic-ecommerce", markets: ["SA"], providers: ["unifonic"])
        #expect(Set(plan.steps.map(\.kind)).isSuperset(of: ["unifonic.verify-app", "unifonic.test-otp"]))
        // No owner.phone in the project: the sandbox connection gets Saudi Arabia's test mobile.
        #expect(plan.steps.first { $0.kind == "unifonic.test-otp" }?.inputs["owner.phone"] == "+966512345678")
        try await harness.launchTwice(
            "arabic-ecommerce", markets: ["SA"], providers: ["unifonic"], requests: [running.simulator.requests])
        #expect(await running.simulator.store.read { $0.messages.values.map(\.Status) } == ["Delivered"])
    }
}
