import Foundation
import SheenAuth
import SheenEngine
import SheenModel
import SheenSimulator
import SheenTestSupport
import Testing

@testable import SheenProviders

@Suite("Auth0 adapter and simulator over loopback HTTP: client credentials, then the Management API")
struct Auth0Tests {
    static func token(base: String, secret: String = Auth0Simulator.clientSecret) async throws -> String {
        try await ClientCredentialsGrant(
            endpoint: TokenEndpoint(url: "\(base)/oauth/token"), clientID: Auth0Simulator.clientID,
            clientSecret: secret, audience: "https://\(Auth0Simulator.domain)/api/v2/",
            scopes: ["read:clients", "read:connections", "create:connections"]
        ).token().accessToken
    }

    static func context(
        _ kind: String, base: String, token: String, metadata: String? = "https://idp.example.com/saml/metadata"
    ) -> StepContext {
        var inputs = ["markets": "AE", "project": "Souq B2B", "domain": "souq.test"]
        inputs["sso.metadata_url"] = metadata
        return StepContext(
            stepID: kind, kind: kind, provider: "auth0", environment: .dev, inputs: inputs, connection: "auth0/default",
            inputHash: "h", idempotencyKey: "k", clock: SystemClock(),
            credentials: CredentialAccess(baseURL: base) {
                Credentials([
                    "access_token": token, "domain": Auth0Simulator.domain, "client_id": Auth0Simulator.clientID,
                ])
            })
    }

    static var runners: RunnerRegistry {
        var runners = RunnerRegistry()
        ProviderAdapters.register(into: &runners, catalog: ProviderFixtures.catalog)
        return runners
    }

    @Test(
        "a wrong secret is refused at the token endpoint; the client reads itself; the SAML connection is created once, found by name, adopted on a 409, and deleted"
    )
    func connection() async throws {
        let (server, ledger, _) = try await Sandbox.simulate("auth0")
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)"
        await #expect(throws: OAuthError.refused(status: 401, error: "access_denied", description: "Unauthorized")) {
            _ = try await Self.token(base: base, secret: "wrong")
        }
        let token = try await Self.token(base: base)
        let verify = try #require(Self.runners.runner(for: "auth0.verify-client"))
        #expect(
            try await verify.create(Self.context("auth0.verify-client", base: base, token: token)).outputs["app_type"]
                == "non_interactive")
        let runner = try #require(Self.runners.runner(for: "auth0.sso-connection"))
        let context = Self.context("auth0.sso-connection", base: base, token: token)
        #expect(try await runner.observe(context) == nil)
        let made = try await runner.create(context)
        #expect(made.outputs["connection"] == "Souq-B2B-sso" && made.outputs["strategy"] == "samlp")
        #expect(try await runner.create(context) == made)
        #expect(try await runner.observe(context) == made)
        var deleting = context
        deleting.externalID = made.externalID
        try await runner.delete(deleting)
        try await runner.delete(deleting)
        #expect(try await runner.observe(context) == nil)
        #expect(await ledger().map(\.kind) == ["connection.created", "connection.deleted"])

        let missing = await #expect(throws: StepFailure.self) {
            _ = try await runner.create(Self.context("auth0.sso-connection", base: base, token: token, metadata: nil))
        }
        #expect(missing?.message.contains("set sso.metadata_url") == true)
        let forged = await #expect(throws: StepFailure.self) {
            _ = try await verify.create(Self.context("auth0.verify-client", base: base, token: "forged"))
        }
        #expect(forged?.message.contains("Invalid token (invalid_token)") == true)
    }

    @Test(
        "end to end: enterprise-b2b in the UAE obtains a token and creates the SSO connection through a 429 and a 5xx")
    func endToEnd() async throws {
        let harness = try await SandboxHarness.start()
        defer { harness.stop() }
        let (server, _, requests) = try await Sandbox.simulate(
            "auth0", faults: Faults(FaultPlan(rateLimited: 1, serverErrors: 1)))
        defer { server.stop() }
        try await harness.connect(
            "auth0", base: "http://127.0.0.1:\(server.port)", credentials: Sandbox.provider("auth0")?.credentials ?? [:]
        )
        try await harness.launchTwice("enterprise-b2b", markets: ["AE"], providers: ["auth0"], requests: [requests])
    }
}
