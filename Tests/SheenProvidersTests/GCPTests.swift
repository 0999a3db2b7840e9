import Foundation
import SheenAuth
import SheenEngine
import SheenModel
import SheenSimulator
import SheenTestSupport
import Testing
import _CryptoExtras

@testable import SheenProviders

@Suite(
    "Google Cloud adapter and simulator over loopback HTTP: a service-account JWT, then Resource Manager and Compute")
struct GCPTests {
    static func token(base: String, json: String = GCPSimulator.serviceAccountJSON) async throws -> String {
        try await ServiceAccountGrant(
            endpoint: TokenEndpoint(url: "\(base)/token"), key: try ServiceAccountKey(json: json),
            scopes: ["https://www.googleapis.com/auth/cloud-platform"]
        ).token().accessToken
    }

    static func context(
        _ base: String, token: String, inputs: [String: String], project: String = GCPSimulator.projectID
    ) -> StepContext {
        StepContext(
            stepID: "gcp.select-region", kind: "gcp.select-region", provider: "gcp", environment: .dev,
            inputs: ["markets": "SA", "project": "souq"].merging(inputs) { _, new in new }, connection: "gcp/default",
            inputHash: "h", idempotencyKey: "gcp-key", clock: SystemClock(),
            credentials: CredentialAccess(baseURL: base) {
                Credentials(["access_token": token, "project_id": project])
            })
    }

    static var runner: (any StepRunner)? {
        var runners = RunnerRegistry()
        ProviderAdapters.register(into: &runners, catalog: ProviderFixtures.catalog)
        return runners.runner(for: "gcp.select-region")
    }

    @Test(
        "an assertion signed by another key is refused as Google refuses it; the sandbox account's token reads the project, and a project it may not read is a 403"
    )
    func token() async throws {
        let (server, _, _) = try await Sandbox.simulate("gcp")
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)"
        let stranger =
            try JSONSerialization.jsonObject(with: Data(GCPSimulator.serviceAccountJSON.utf8)) as? [String: String]
        var forged = try #require(stranger)
        let other = try JWTKitRSA.freshPEM()
        forged["private_key"] = other
        let forgedJSON = String(decoding: try JSONSerialization.data(withJSONObject: forged), as: UTF8.self)
        await #expect(
            throws: OAuthError.refused(status: 400, error: "invalid_grant", description: "Invalid JWT Signature.")
        ) {
            _ = try await Self.token(base: base, json: forgedJSON)
        }
        let token = try await Self.token(base: base)
        #expect(token.hasPrefix("ya29."))
        let runner = try #require(Self.runner)
        let chosen = try await runner.create(
            Self.context(base, token: token, inputs: ["regions": "me-central2,me-central1"]))
        #expect(chosen.outputs["region"] == "me-central2" && chosen.outputs["project"] == GCPSimulator.projectID)
        let denied = await #expect(throws: StepFailure.self) {
            _ = try await runner.create(
                Self.context(base, token: token, inputs: ["regions": "me-central2"], project: "someone-else"))
        }
        #expect(denied?.message.contains("(PERMISSION_DENIED)") == true)
    }

    @Test(
        "Dammam not available to the project: Doha with a note when residency is preferred; a wait naming the reseller when it is required"
    )
    func region() async throws {
        let simulator = try GCPSimulator(restricted: ["me-central2"])
        let server = try await LoopbackServer.start(simulator.router())
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)"
        let token = try await Self.token(base: base)
        let runner = try #require(Self.runner)
        let doha = try await runner.create(
            Self.context(
                base, token: token, inputs: ["regions": "me-central2,me-central1", "residency": "preferred:SA"]))
        #expect(doha.outputs["region"] == "me-central1")
        #expect(doha.outputs["note"]?.contains("me-central2 ranks higher") == true)
        let waiting = await #expect(throws: StepFailure.self) {
            _ = try await runner.create(
                Self.context(base, token: token, inputs: ["regions": "me-central2", "residency": "required:SA"]))
        }
        guard case .waiting(let next)? = waiting?.kind else {
            Issue.record("expected a waiting step, got \(String(describing: waiting))")
            return
        }
        #expect(next.contains("reseller in the Kingdom"))
    }

    @Test(
        "end to end: arabic-ecommerce in Saudi Arabia with deploy pinned to Google Cloud signs its JWT and picks a region through a 429 and a 5xx"
    )
    func endToEnd() async throws {
        let harness = try await SandboxHarness.start()
        defer { harness.stop() }
        let (server, _, requests) = try await Sandbox.simulate(
            "gcp", faults: Faults(FaultPlan(rateLimited: 1, serverErrors: 1)))
        defer { server.stop() }
        try await harness.connect(
            "gcp", base: "http://127.0.0.1:\(server.port)", credentials: Sandbox.provider("gcp")?.credentials ?? [:])
        let report = try await harness.launchTwice(
            "arabic-ecommerce", markets: ["SA"], providers: ["gcp"], pins: ["deploy": "gcp"], requests: [requests])
        #expect(report.ok)
    }
}

/// A throw-away RSA key in PEM, to sign an assertion the simulator must refuse.
enum JWTKitRSA {
    static func freshPEM() throws -> String {
        try _RSA.Signing.PrivateKey(keySize: .bits2048).pemRepresentation
    }
}
