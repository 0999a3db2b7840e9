import Foundation
import SheenAuth
import SheenEngine
import SheenModel
import SheenSimulator
import SheenTestSupport
import Testing

@testable import SheenProviders

@Suite("Azure adapter and simulator over loopback HTTP: Entra client credentials, then Resource Manager")
struct AzureTests {
    static func token(base: String, secret: String = AzureSimulator.clientSecret) async throws -> String {
        try await ClientCredentialsGrant(
            endpoint: TokenEndpoint(url: "\(base)/\(AzureSimulator.tenantID)/oauth2/v2.0/token"),
            clientID: AzureSimulator.clientID, clientSecret: secret,
            scopes: ["https://management.azure.com/.default"]
        ).token().accessToken
    }

    static func context(
        _ kind: String, base: String, token: String, inputs: [String: String] = [:],
        subscription: String = AzureSimulator.subscriptionID
    ) -> StepContext {
        StepContext(
            stepID: kind, kind: kind, provider: "azure", environment: .dev,
            inputs: ["markets": "AE", "project": "souq"].merging(inputs) { _, new in new },
            connection: "azure/default", inputHash: "h", idempotencyKey: "azure-key", clock: SystemClock(),
            credentials: CredentialAccess(baseURL: base) {
                Credentials(["access_token": token, "subscription_id": subscription])
            })
    }

    static var runners: RunnerRegistry {
        var runners = RunnerRegistry()
        ProviderAdapters.register(into: &runners, catalog: ProviderFixtures.catalog)
        return runners
    }

    @Test(
        "a wrong client secret is refused with Entra's AADSTS code; the token reads the subscription; a forged token and an unknown subscription are refused in ARM's shape"
    )
    func principal() async throws {
        let (server, _, _) = try await Sandbox.simulate("azure")
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)"
        await #expect(
            throws: OAuthError.refused(
                status: 401, error: "invalid_client", description: "AADSTS7000215: Invalid client secret provided.")
        ) {
            _ = try await Self.token(base: base, secret: "wrong")
        }
        let token = try await Self.token(base: base)
        let runner = try #require(Self.runners.runner(for: "azure.verify-principal"))
        let verified = try await runner.create(Self.context("azure.verify-principal", base: base, token: token))
        #expect(verified.outputs["subscription"] == AzureSimulator.subscriptionID)
        let forged = await #expect(throws: StepFailure.self) {
            _ = try await runner.create(Self.context("azure.verify-principal", base: base, token: "forged-token"))
        }
        #expect(forged?.message.contains("(InvalidAuthenticationToken)") == true)
        #expect(forged?.message.contains("forged-token") == false)
        let missing = await #expect(throws: StepFailure.self) {
            _ = try await runner.create(
                Self.context("azure.verify-principal", base: base, token: token, subscription: "nope"))
        }
        #expect(missing?.message.contains("(SubscriptionNotFound)") == true)
    }

    @Test(
        "the first ranked region the subscription lists; a restricted one is skipped with a note, or waited on when residency requires it"
    )
    func region() async throws {
        let simulator = try AzureSimulator(restricted: ["uaecentral"])
        let server = try await LoopbackServer.start(simulator.router())
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)"
        let token = try await Self.token(base: base)
        let runner = try #require(Self.runners.runner(for: "azure.select-region"))
        let north = try await runner.create(
            Self.context("azure.select-region", base: base, token: token, inputs: ["regions": "uaenorth,uaecentral"]))
        #expect(north.outputs["region"] == "uaenorth" && north.outputs["note"] == nil)
        let skipped = try await runner.create(
            Self.context(
                "azure.select-region", base: base, token: token, inputs: ["regions": "uaecentral,uaenorth,qatarcentral"]
            ))
        #expect(skipped.outputs["region"] == "uaenorth")
        #expect(skipped.outputs["note"]?.contains("uaecentral ranks higher") == true)
        let waiting = await #expect(throws: StepFailure.self) {
            _ = try await runner.create(
                Self.context(
                    "azure.select-region", base: base, token: token,
                    inputs: ["regions": "uaecentral", "residency": "required:AE"]))
        }
        guard case .waiting(let next)? = waiting?.kind else {
            Issue.record("expected a waiting step, got \(String(describing: waiting))")
            return
        }
        #expect(next.contains("Region access request"))
    }

    @Test(
        "end to end: arabic-ecommerce in the UAE with deploy pinned to Azure obtains a token and picks uaenorth through a 429 and a 5xx"
    )
    func endToEnd() async throws {
        let harness = try await SandboxHarness.start()
        defer { harness.stop() }
        let (server, _, requests) = try await Sandbox.simulate(
            "azure", faults: Faults(FaultPlan(rateLimited: 1, serverErrors: 1)))
        defer { server.stop() }
        try await harness.connect(
            "azure", base: "http://127.0.0.1:\(server.port)", credentials: Sandbox.provider("azure")?.credentials ?? [:]
        )
        let report = try await harness.launchTwice(
            "arabic-ecommerce", markets: ["AE"], providers: ["azure"], pins: ["deploy": "azure"], requests: [requests])
        #expect(report.ok)
    }
}
