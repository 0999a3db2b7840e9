import Crypto
import Foundation
import SheenEngine

/// `stripe.webhook-endpoint`: registers the receiver's URL (`POST /v1/webhook_endpoints`) and seals the signing
/// secret Stripe returns, once, into the connection's `webhook_secret`.
///
/// Stripe shows the secret only in the create answer, so a crash between Stripe's create and Sheen's save must not
/// leave an endpoint whose secret is lost. The endpoint is tagged with a fingerprint of the secret once it is saved;
/// `observe` adopts only an endpoint whose tag matches the stored secret. Otherwise `create` is sent again under the
/// same `Idempotency-Key`, and Stripe replays its first answer, secret included (for 24 hours; after that a new
/// endpoint is made and the untagged one removed).
struct StripeWebhookEndpointRunner: StepRunner {
    let events: [String]
    let secretField: String

    func observe(_ context: StepContext) async throws -> StepResult? {
        let url = try Self.url(context)
        let api = try await StripeAPI.open(context)
        guard let stored = try await context.credentials()[secretField] else { return nil }
        let endpoints = try await api.get(
            "/v1/webhook_endpoints", query: [("limit", "100")], as: StripeList<StripeWebhookEndpoint>.self)
        guard
            let adopted = endpoints.data.first(where: {
                $0.url == url && $0.metadata?["sheen_secret"] == Self.fingerprint(stored)
            })
        else { return nil }
        return Self.result(adopted)
    }

    func create(_ context: StepContext) async throws -> StepResult {
        let url = try Self.url(context)
        let api = try await StripeAPI.open(context)
        var form = [("url", url), ("description", "Sheen: \(context.inputs["project"] ?? "project")")]
        form += events.map { ("enabled_events[]", $0) }
        form.append(("metadata[sheen_step]", context.stepID))
        let endpoint = try await api.post(
            "/v1/webhook_endpoints", form: form, idempotencyKey: context.idempotencyKey, as: StripeWebhookEndpoint.self)
        guard let secret = endpoint.secret else {
            throw StepFailure(
                .invalid, message: "Stripe created webhook endpoint \(endpoint.id) without a signing secret")
        }
        try await context.credentials.save(secretField, secret)
        let tagged = try await api.post(
            "/v1/webhook_endpoints/\(endpoint.id)", form: [("metadata[sheen_secret]", Self.fingerprint(secret))],
            as: StripeWebhookEndpoint.self)
        // Endpoints an earlier, lost attempt of this step made for the same URL would deliver twice.
        let all = try await api.get(
            "/v1/webhook_endpoints", query: [("limit", "100")], as: StripeList<StripeWebhookEndpoint>.self)
        for stale in all.data
        where stale.id != endpoint.id && stale.url == url && stale.metadata?["sheen_step"] == context.stepID {
            try await api.delete("/v1/webhook_endpoints/\(stale.id)")
        }
        return Self.result(tagged)
    }

    /// A new receiver URL moves the endpoint and keeps its secret.
    func update(_ context: StepContext) async throws -> StepResult {
        guard let id = context.externalID else { return try await create(context) }
        let api = try await StripeAPI.open(context)
        var form = [("url", try Self.url(context))]
        form += events.map { ("enabled_events[]", $0) }
        return Self.result(
            try await api.post("/v1/webhook_endpoints/\(id)", form: form, as: StripeWebhookEndpoint.self))
    }

    func delete(_ context: StepContext) async throws {
        guard let id = context.externalID else { return }
        try await ProviderEndpoint.deleting { try await StripeAPI.open(context).delete("/v1/webhook_endpoints/\(id)") }
    }

    static func url(_ context: StepContext) throws(StepFailure) -> String {
        try ProviderEndpoint.webhookURL(context, provider: "Stripe")
    }

    /// Identifies the secret without revealing it: 64 bits of its SHA-256.
    static func fingerprint(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    static func result(_ endpoint: StripeWebhookEndpoint) -> StepResult {
        StepResult(
            outputs: ["endpoint_id": endpoint.id, "url": endpoint.url, "status": endpoint.status],
            externalID: endpoint.id)
    }
}
