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

@Suite("OpenAI, Anthropic, PostHog and Sentry: adapters and simulators over loopback HTTP")
struct AIAndTelemetryTests {
    static func context(_ kind: String, provider: String, base: String, key: String = "k-1") -> StepContext {
        let credentials = Sandbox.provider(provider)?.credentials ?? [:]
        return StepContext(
            stepID: kind, kind: kind, provider: provider, environment: .dev,
            inputs: ["markets": "AE", "project": "souq"],
            connection: "\(provider)/default", inputHash: "h", idempotencyKey: key, clock: SystemClock(),
            credentials: CredentialAccess(baseURL: base) { Credentials(credentials) })
    }

    static var runners: RunnerRegistry {
        var runners = RunnerRegistry()
        ProviderAdapters.register(into: &runners, catalog: ProviderFixtures.catalog)
        return runners
    }

    static func run(_ kind: String, provider: String, base: String, key: String = "k-1") async throws -> StepResult {
        try await #require(runners.runner(for: kind)).create(context(kind, provider: provider, base: base, key: key))
    }

    static func post(
        _ url: String, _ body: String, headers: [(String, String)] = []
    ) async throws -> (Int, [String: Any]) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        let data = try await response.body.collect(upTo: 1 << 20)
        return (
            Int(response.status.code),
            (try? JSONSerialization.jsonObject(with: Data(data.readableBytesView))) as? [String: Any] ?? [:]
        )
    }

    @Test(
        "OpenAI: the key lists models; a completion is stored with the step's key and found again; refusals in OpenAI's shape"
    )
    func openAI() async throws {
        let (server, ledger, _) = try await Sandbox.simulate("openai")
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)"
        #expect(try await Self.run("openai.verify-key", provider: "openai", base: base).outputs["models"] == "3")
        let made = try await Self.run("openai.test-completion", provider: "openai", base: base)
        #expect(made.outputs["reply"] == "OK")
        let runner = try #require(Self.runners.runner(for: "openai.test-completion"))
        let context = Self.context("openai.test-completion", provider: "openai", base: base)
        #expect(try await runner.observe(context)?.externalID == made.externalID)
        #expect(await ledger().count == 1)
        let auth = [("Authorization", "Bearer \(OpenAISimulator.apiKey)")]
        let cases: [(String, [(String, String)], Int, String?)] = [
            (#"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}]}"#, [], 401, "invalid_api_key"),
            ("not json", auth, 400, nil),
            (#"{"messages":[{"role":"user","content":"x"}]}"#, auth, 400, nil),
            (#"{"model":"gpt-9","messages":[{"role":"user","content":"x"}]}"#, auth, 404, "model_not_found"),
            (#"{"model":"gpt-4o-mini","messages":[]}"#, auth, 400, nil),
        ]
        for (body, headers, status, code) in cases {
            let (answered, json) = try await Self.post(base + "/v1/chat/completions", body, headers: headers)
            let error = json["error"] as? [String: Any]
            #expect(answered == status && error?["message"] is String && error?["type"] is String, "\(body)")
            if let code { #expect(error?["code"] as? String == code) }
        }
        #expect(await ledger().count == 1)
    }

    @Test(
        "Anthropic: x-api-key and anthropic-version are required; a test message answers; refusals in Anthropic's shape"
    )
    func anthropic() async throws {
        let (server, _, _) = try await Sandbox.simulate("anthropic")
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)"
        #expect(try await Self.run("anthropic.verify-key", provider: "anthropic", base: base).outputs["models"] == "3")
        #expect(
            try await Self.run("anthropic.test-message", provider: "anthropic", base: base).outputs["reply"] == "OK")
        let key = ("x-api-key", AnthropicSimulator.apiKey)
        let version = ("anthropic-version", "2023-06-01")
        let valid = #"{"model":"claude-3-5-haiku-latest","max_tokens":5,"messages":[{"role":"user","content":"x"}]}"#
        let cases: [(String, [(String, String)], Int, String)] = [
            (valid, [version], 401, "authentication_error"),
            (valid, [key], 400, "invalid_request_error"),
            (
                #"{"model":"claude-3-5-haiku-latest","messages":[{"role":"user","content":"x"}]}"#, [key, version], 400,
                "invalid_request_error"
            ),
            (
                #"{"model":"claude-9","max_tokens":5,"messages":[{"role":"user","content":"x"}]}"#, [key, version], 404,
                "not_found_error"
            ),
            (
                #"{"model":"claude-3-5-haiku-latest","max_tokens":5,"messages":[{"role":"assistant","content":"x"}]}"#,
                [key, version], 400, "invalid_request_error"
            ),
        ]
        for (body, headers, status, type) in cases {
            let (answered, json) = try await Self.post(base + "/v1/messages", body, headers: headers)
            #expect(answered == status && json["type"] as? String == "error", "\(body)")
            #expect((json["error"] as? [String: Any])?["type"] as? String == type, "\(body): \(json)")
        }
    }

    @Test("PostHog and Sentry: a test event each, counted once when sent again under the same key; bad keys refused")
    func telemetry() async throws {
        let (posthog, captured, _) = try await Sandbox.simulate("posthog")
        defer { posthog.stop() }
        let (sentry, ingested, _) = try await Sandbox.simulate("sentry")
        defer { sentry.stop() }
        let posthogBase = "http://127.0.0.1:\(posthog.port)"
        let sentryBase = "http://127.0.0.1:\(sentry.port)"
        for _ in 0..<2 {
            _ = try await Self.run("posthog.test-event", provider: "posthog", base: posthogBase)
            _ = try await Self.run("sentry.test-envelope", provider: "sentry", base: sentryBase)
        }
        let counts = (await captured().count, await ingested().count)
        #expect(counts == (1, 1))
        let (personal, body) = try await Self.post(
            posthogBase + "/i/v0/e/", #"{"api_key":"phx_personal","event":"x","distinct_id":"d"}"#)
        #expect(personal == 401 && body["code"] as? String == "invalid_api_key")
        let (missing, _) = try await Self.post(
            posthogBase + "/i/v0/e/", #"{"api_key":"\#(PostHogSimulator.projectKey)"}"#)
        #expect(missing == 400)
        let (wrongKey, _) = try await Self.post(
            sentryBase + "/api/\(SentrySimulator.projectID)/envelope/?sentry_key=nope", "{}\n{}\n{}")
        #expect(wrongKey == 401)
        let (badEnvelope, detail) = try await Self.post(
            sentryBase + "/api/\(SentrySimulator.projectID)/envelope/?sentry_key=\(SentrySimulator.publicKey)",
            "not an envelope")
        #expect(badEnvelope == 400 && detail["detail"] is String)
    }

    @Test(
        "end to end: ai-application in the UAE and the US runs its OpenAI, PostHog and Sentry steps through a 429 and a 5xx; a second apply calls nothing"
    )
    func endToEnd() async throws {
        let harness = try await SandboxHarness.start()
        defer { harness.stop() }
        var servers: [LoopbackServer] = []
        var counters: [RequestCounter] = []
        for provider in ["openai", "posthog", "sentry"] {
            let (server, _, requests) = try await Sandbox.simulate(
                provider, faults: Faults(FaultPlan(rateLimited: 1, serverErrors: 1)))
            servers.append(server)
            counters.append(requests)
            try await harness.connect(
                provider, base: "http://127.0.0.1:\(server.port)",
                credentials: Sandbox.provider(provider)?.credentials ?? [:])
        }
        defer { for server in servers { server.stop() } }
        let report = try await harness.launchTwice(
            "ai-application", markets: ["AE", "US"], providers: ["openai", "posthog", "sentry"], requests: counters)
        #expect(
            Set(report.succeeded).isSuperset(of: [
                "openai.test-completion", "posthog.test-event", "sentry.test-envelope",
            ]))
    }
}
