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

@Suite("Cloudinary adapter and simulator over loopback HTTP")
struct CloudinaryTests {
    static func context(_ kind: String, base: String, secret: String = CloudinarySimulator.apiSecret) -> StepContext {
        StepContext(
            stepID: kind, kind: kind, provider: "cloudinary", environment: .dev,
            inputs: ["markets": "AE", "project": "souq"], connection: "cloudinary/default", inputHash: "h",
            idempotencyKey: "cloudinary-key", clock: SystemClock(),
            credentials: CredentialAccess(baseURL: base) {
                Credentials([
                    "cloud_name": "sheen-sandbox", "api_key": CloudinarySimulator.apiKey, "api_secret": secret,
                ])
            })
    }

    static var runners: RunnerRegistry {
        var runners = RunnerRegistry()
        ProviderAdapters.register(into: &runners, catalog: ProviderFixtures.catalog)
        return runners
    }

    @Test(
        "verify-key pings; the Arabic-overlay preset is created once, found again, and deleted by destroy; refusals in Cloudinary's shape"
    )
    func preset() async throws {
        let (server, ledger, _) = try await Sandbox.simulate("cloudinary")
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)"
        let verify = try #require(Self.runners.runner(for: "cloudinary.verify-key"))
        #expect(try await verify.create(Self.context("cloudinary.verify-key", base: base)).outputs["status"] == "ok")
        let wrong = await #expect(throws: StepFailure.self) {
            _ = try await verify.create(Self.context("cloudinary.verify-key", base: base, secret: "nope"))
        }
        #expect(
            wrong?.message.contains("Invalid api_key or api_secret") == true && wrong?.message.contains("nope") == false
        )
        let runner = try #require(Self.runners.runner(for: "cloudinary.upload-preset"))
        let context = Self.context("cloudinary.upload-preset", base: base)
        #expect(try await runner.observe(context) == nil)
        let made = try await runner.create(context)
        #expect(made.outputs["preset"] == "sheen_souq_arabic")
        #expect(try await runner.observe(context)?.externalID == "sheen_souq_arabic")
        let again = await #expect(throws: StepFailure.self) { _ = try await runner.create(context) }
        #expect(again?.message.contains("already exists") == true)
        var deleting = context
        deleting.externalID = made.externalID
        try await runner.delete(deleting)
        #expect(try await runner.observe(context) == nil)
        #expect(await ledger().map(\.kind) == ["preset.created", "preset.deleted"])
    }

    @Test(
        "end to end: ai-application in the UAE creates its preset through a 420 and a 5xx; a second apply calls nothing"
    )
    func endToEnd() async throws {
        let harness = try await SandboxHarness.start()
        defer { harness.stop() }
        let (server, _, requests) = try await Sandbox.simulate(
            "cloudinary", faults: Faults(FaultPlan(rateLimited: 1, serverErrors: 1)))
        defer { server.stop() }
        try await harness.connect(
            "cloudinary", base: "http://127.0.0.1:\(server.port)",
            credentials: Sandbox.provider("cloudinary")?.credentials ?? [:])
        try await harness.launchTwice(
            "ai-application", markets: ["AE"], providers: ["cloudinary"], requests: [requests])
    }
}
