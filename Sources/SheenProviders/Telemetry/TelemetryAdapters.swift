// swift-format-ignore-file: AlwaysUseLowerCamelCase
// Wire types spell fields as PostHog and Sentry do.

import Crypto
import Foundation
import SheenEngine

/// A UUID-shaped id derived from the step's key: the same attempt sends the same id, which PostHog and Sentry use to
/// drop a repeated event, so a retried or resumed test event is counted once.
enum EventID {
    static func from(_ key: String) -> String {
        SHA256.hash(data: Data(key.utf8)).prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    static func uuid(_ key: String) -> String {
        let hex = Array(from(key))
        let parts = [hex[0..<8], hex[8..<12], hex[12..<16], hex[16..<20], hex[20..<32]].map { String($0) }
        return parts.joined(separator: "-")
    }
}

/// `posthog.test-event`: captures one `sheen_test_event` with the project API key (in the body, as capture takes
/// it) and a `uuid` derived from the step's key. Capture keeps nothing a project key can read back, so a resumed
/// attempt sends the same event again and PostHog drops the repeat by its `uuid`.
struct PostHogTestEventRunner: StepRunner {
    func observe(_ context: StepContext) async throws -> StepResult? { nil }

    func create(_ context: StepContext) async throws -> StepResult {
        let credentials = try await context.credentials()
        guard let key = credentials["project_api_key"] else {
            throw StepFailure(.invalid, message: "the PostHog connection has no project_api_key")
        }
        let client = ProviderClient(
            provider: "posthog", base: try ProviderEndpoint.base(context, credentials: credentials),
            authorization: .none, readError: Self.readError)
        let uuid = EventID.uuid(context.idempotencyKey)
        let body: [String: any Sendable] = [
            "api_key": key, "event": "sheen_test_event",
            "distinct_id": "sheen-\(context.inputs["project"] ?? "project")",
            "uuid": uuid, "properties": ["sheen_step": context.stepID, "$lib": "sheen"],
            "timestamp": ISO8601DateFormatter().string(from: context.clock.now()),
        ]
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        _ = try await client.send(ProviderRequest(.post, "/i/v0/e/", body: .json(data)))
        return StepResult(outputs: ["event_uuid": uuid], externalID: uuid)
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}

    static func readError(_ response: ProviderResponse) -> String? {
        struct Body: Decodable {
            var detail: String?
            var code: String?
        }
        guard let body = try? JSONDecoder().decode(Body.self, from: response.body), let detail = body.detail else {
            return nil
        }
        return detail + (body.code.map { " (\($0))" } ?? "")
    }
}

/// `sentry.test-envelope`: one info-level event in an envelope to the DSN's project, its `event_id` derived from the
/// step's key (Sentry drops an event id it already has, so a resumed attempt is counted once).
struct SentryTestEnvelopeRunner: StepRunner {
    func observe(_ context: StepContext) async throws -> StepResult? { nil }

    func create(_ context: StepContext) async throws -> StepResult {
        let credentials = try await context.credentials()
        guard let dsn = credentials["dsn"], let parsed = URLComponents(string: dsn), let key = parsed.user,
            let host = parsed.host, let project = parsed.path.split(separator: "/").last.map(String.init)
        else {
            throw StepFailure(
                .invalid,
                message: "the Sentry DSN is not https://PUBLIC_KEY@HOST/PROJECT_ID: copy it from the project's settings"
            )
        }
        // The DSN names the ingest host; a sandbox connection's base URL stands in for it.
        let base = context.credentials.baseURL ?? "\(parsed.scheme ?? "https")://\(host)"
        let client = ProviderClient(
            provider: "sentry", base: base, authorization: .none,
            readError: { response in
                (try? JSONSerialization.jsonObject(with: response.body) as? [String: Any])?["detail"] as? String
            })
        let id = EventID.from(context.idempotencyKey)
        let now = ISO8601DateFormatter().string(from: context.clock.now())
        let lines: [[String: any Sendable]] = [
            ["event_id": id, "sent_at": now],
            ["type": "event"],
            [
                "event_id": id, "timestamp": now, "level": "info", "platform": "other",
                "message": "Sheen test event for \(context.inputs["project"] ?? "project")",
            ],
        ]
        let body = lines.compactMap { try? JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]) }
            .map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n")
        _ = try await client.send(
            ProviderRequest(
                .post, "/api/\(project)/envelope/",
                query: [("sentry_key", key), ("sentry_version", "7"), ("sentry_client", "sheen/1")],
                body: .json(Data(body.utf8))))
        return StepResult(outputs: ["event_id": id], externalID: id)
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}
}

/// PostHog's and Sentry's step kinds and their runners.
public enum TelemetryAdapters {
    public static func register(into runners: inout RunnerRegistry) {
        runners.register(PostHogTestEventRunner(), for: "posthog.test-event")
        runners.register(SentryTestEnvelopeRunner(), for: "sentry.test-envelope")
    }
}
