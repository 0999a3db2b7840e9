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

@Suite("Clerk adapter and simulator over loopback HTTP")
struct ClerkTests {
    static func context(_ kind: String, base: String, key: String = ClerkSimulator.secretKey) -> StepContext {
        StepContext(
            stepID: kind, kind: kind, provider: "clerk", environment: .dev,
            inputs: ["markets": "AE", "project": "souq", "domain": "souq.test"], connection: "clerk/default",
            inputHash: "h", idempotencyKey: "clerk-key", clock: SystemClock(),
            credentials: CredentialAccess(baseURL: base) {
                Credentials(["secret_key": key, "publishable_key": ClerkSimulator.publishableKey])
            })
    }

    static var runners: RunnerRegistry {
        var runners = RunnerRegistry()
        ProviderAdapters.register(into: &runners, catalog: ProviderFixtures.catalog)
        return runners
    }

    @Test(
        "verify-key reads the instance; allowed-origins adds the domain beside existing ones, is found again, and is removed on destroy"
    )
    func origins() async throws {
        let (server, ledger, _) = try await Sandbox.simulate("clerk")
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)"
        let verify = try #require(Self.runners.runner(for: "clerk.verify-key"))
        #expect(
            try await verify.create(Self.context("clerk.verify-key", base: base)).outputs["environment"]
                == "development")
        let wrong = await #expect(throws: StepFailure.self) {
            _ = try await verify.create(Self.context("clerk.verify-key", base: base, key: "sk_test_wrong"))
        }
        #expect(wrong?.message.contains("authentication_invalid") == true)

        var seed = HTTPClientRequest(url: base + "/v1/instance")
        seed.method = .PATCH
        seed.headers.add(name: "Authorization", value: "Bearer \(ClerkSimulator.secretKey)")
        seed.body = .bytes(ByteBuffer(string: #"{"allowed_origins":["https://admin.souq.test"]}"#))
        #expect(try await HTTPClient.shared.execute(seed, timeout: .seconds(5)).status.code == 204)

        let runner = try #require(Self.runners.runner(for: "clerk.allowed-origins"))
        let context = Self.context("clerk.allowed-origins", base: base)
        #expect(try await runner.observe(context) == nil)
        #expect(try await runner.create(context).outputs["origin"] == "https://souq.test")
        #expect(try await runner.observe(context)?.outputs["origin"] == "https://souq.test")
        try await runner.delete(context)
        #expect(try await runner.observe(context) == nil)
        let kinds = await ledger().map(\.kind)
        #expect(kinds == ["instance.updated", "instance.updated", "instance.updated"])
    }

    @Test("refusals in Clerk's errors shape; the development limit answers 429 with Retry-After")
    func refusals() async throws {
        let clock = ManualInstant()
        let simulator = try ClerkSimulator(faults: Faults(clock: clock.now))
        let server = try await LoopbackServer.start(simulator.router())
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)"
        func patch(_ body: String, key: String?) async throws -> (Int, [String: Any]) {
            var request = HTTPClientRequest(url: base + "/v1/instance")
            request.method = .PATCH
            if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
            request.body = .bytes(ByteBuffer(string: body))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
            let data = try await response.body.collect(upTo: 1 << 16)
            return (
                Int(response.status.code),
                (try? JSONSerialization.jsonObject(with: Data(data.readableBytesView))) as? [String: Any] ?? [:]
            )
        }
        let cases: [(String, String?, Int, String)] = [
            (#"{"allowed_origins":[]}"#, nil, 401, "authorization_header_missing"),
            (#"{"allowed_origins":[]}"#, "sk_live_abc", 401, "authentication_invalid"),
            ("not json", ClerkSimulator.secretKey, 400, "form_param_format_invalid"),
            (#"{"allowed_origins":"https://a.test"}"#, ClerkSimulator.secretKey, 422, "form_param_format_invalid"),
            (#"{"allowed_origins":["ftp://a.test"]}"#, ClerkSimulator.secretKey, 422, "form_param_format_invalid"),
        ]
        for (body, key, status, code) in cases {
            let (answered, json) = try await patch(body, key: key)
            let errors = json["errors"] as? [[String: Any]]
            #expect(answered == status && errors?.first?["code"] as? String == code, "\(body): \(json)")
        }
        #expect(await simulator.store.read { $0.allowed_origins.isEmpty })
        var statuses: [Int] = []
        for _ in 0..<12 { statuses.append(try await patch(#"{}"#, key: ClerkSimulator.secretKey).0) }
        #expect(statuses.filter { $0 == 429 }.count >= 1)
    }

    @Test(
        "end to end: ai-application in the UAE allows its domain through a 429 and a 5xx; a second apply calls nothing")
    func endToEnd() async throws {
        let harness = try await SandboxHarness.start()
        defer { harness.stop() }
        let (server, _, requests) = try await Sandbox.simulate(
            "clerk", faults: Faults(FaultPlan(rateLimited: 1, serverErrors: 1, requestsPerSecond: 1_000)))
        defer { server.stop() }
        try await harness.connect(
            "clerk", base: "http://127.0.0.1:\(server.port)", credentials: Sandbox.provider("clerk")?.credentials ?? [:]
        )
        try await harness.launchTwice("ai-application", markets: ["AE"], providers: ["clerk"], requests: [requests])
    }
}
