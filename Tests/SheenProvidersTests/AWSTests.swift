import Foundation
import SheenAuth
import SheenEngine
import SheenModel
import SheenSimulator
import SheenTestSupport
import Testing

@testable import SheenProviders

@Suite("AWS adapter and simulator over loopback HTTP: SigV4-signed STS and Account API calls")
struct AWSTests {
    static func context(
        _ kind: String, base: String, inputs: [String: String] = [:], credentials: [String: String] = [:]
    ) -> StepContext {
        StepContext(
            stepID: kind, kind: kind, provider: "aws", environment: .dev,
            inputs: ["markets": "SA", "project": "souq"].merging(inputs) { _, new in new }, connection: "aws/default",
            inputHash: "h", idempotencyKey: "aws-key", clock: SystemClock(),
            credentials: CredentialAccess(baseURL: base) {
                Credentials(
                    [
                        "access_key_id": AWSSimulator.accessKeyID, "secret_access_key": AWSSimulator.secretAccessKey,
                    ].merging(credentials) { _, new in new })
            })
    }

    static var runners: RunnerRegistry {
        var runners = RunnerRegistry()
        ProviderAdapters.register(into: &runners, catalog: ProviderFixtures.catalog)
        return runners
    }

    @Test(
        "GetCallerIdentity answers the account; a wrong secret, an unknown key and a skewed clock are refused in STS's XML; a temporary key without its token is stopped before any call"
    )
    func identity() async throws {
        let (server, _, requests) = try await Sandbox.simulate("aws")
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)"
        let runner = try #require(Self.runners.runner(for: "aws.verify-identity"))
        let made = try await runner.create(Self.context("aws.verify-identity", base: base))
        #expect(made.outputs["account"] == AWSSimulator.account)
        #expect(made.outputs["arn"] == "arn:aws:iam::\(AWSSimulator.account):user/sheen-sandbox")

        let wrong = await #expect(throws: StepFailure.self) {
            _ = try await runner.create(
                Self.context("aws.verify-identity", base: base, credentials: ["secret_access_key": "leaked/secret"]))
        }
        #expect(wrong?.message.contains("(SignatureDoesNotMatch)") == true)
        #expect(wrong?.message.contains("leaked") == false)
        let unknown = await #expect(throws: StepFailure.self) {
            _ = try await runner.create(
                Self.context("aws.verify-identity", base: base, credentials: ["access_key_id": "AKIAUNKNOWN000000000"]))
        }
        #expect(unknown?.message.contains("(InvalidClientTokenId)") == true)

        let before = requests.value
        let temporary = await #expect(throws: StepFailure.self) {
            _ = try await runner.create(
                Self.context("aws.verify-identity", base: base, credentials: ["access_key_id": "ASIAEXAMPLE000000000"]))
        }
        #expect(temporary?.message.contains("no session_token") == true)
        #expect(requests.value == before)

        let skewed = try AWSSimulator(now: { Date().addingTimeInterval(3600) })
        let late = try await LoopbackServer.start(skewed.router())
        defer { late.stop() }
        let expired = await #expect(throws: StepFailure.self) {
            _ = try await runner.create(Self.context("aws.verify-identity", base: "http://127.0.0.1:\(late.port)"))
        }
        #expect(expired?.message.contains("Signature expired") == true)
    }

    @Test(
        "the region is the first ranked one the account has enabled; a disabled opt-in region is skipped with a note, or, when residency requires it, waited on with the command that enables it"
    )
    func region() async throws {
        let runner = try #require(Self.runners.runner(for: "aws.select-region"))
        let ranked = ["regions": "me-central-1,me-south-1,eu-central-1", "residency": "preferred:AE"]

        let (open, _, _) = try await Sandbox.simulate("aws")
        defer { open.stop() }
        let chosen = try await runner.create(
            Self.context("aws.select-region", base: "http://127.0.0.1:\(open.port)", inputs: ranked))
        #expect(chosen.outputs["region"] == "me-central-1" && chosen.outputs["note"] == nil)

        let simulator = try AWSSimulator(disabledRegions: ["me-central-1"])
        let server = try await LoopbackServer.start(simulator.router())
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)"
        let fallback = try await runner.create(Self.context("aws.select-region", base: base, inputs: ranked))
        #expect(fallback.outputs["region"] == "me-south-1")
        #expect(fallback.outputs["note"]?.contains("me-central-1 ranks higher") == true)

        let waiting = await #expect(throws: StepFailure.self) {
            _ = try await runner.create(
                Self.context(
                    "aws.select-region", base: base,
                    inputs: ["regions": "me-central-1", "residency": "required:AE"]))
        }
        guard case .waiting(let next)? = waiting?.kind else {
            Issue.record("expected a waiting step, got \(String(describing: waiting))")
            return
        }
        #expect(next.contains("aws account enable-region --region-name me-central-1"))
        #expect(waiting?.message.contains("residency is required") == true)
    }

    @Test(
        "end to end: arabic-ecommerce in Saudi Arabia verifies the key and picks a region through STS throttling and a 5xx"
    )
    func endToEnd() async throws {
        let harness = try await SandboxHarness.start()
        defer { harness.stop() }
        let (server, _, requests) = try await Sandbox.simulate(
            "aws", faults: Faults(FaultPlan(rateLimited: 1, serverErrors: 1)))
        defer { server.stop() }
        try await harness.connect(
            "aws", base: "http://127.0.0.1:\(server.port)", credentials: Sandbox.provider("aws")?.credentials ?? [:])
        let report = try await harness.launchTwice(
            "arabic-ecommerce", markets: ["SA"], providers: ["aws"], requests: [requests])
        #expect(report.ok)
    }
}
