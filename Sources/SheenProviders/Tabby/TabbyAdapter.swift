import Foundation
import SheenEngine
import SheenModel

/// `tabby.verify-key`: listing the merchant's webhooks needs a valid key and merchant code, and changes nothing.
struct TabbyVerifyKeyRunner: StepRunner {
    func observe(_ context: StepContext) async throws -> StepResult? { try await create(context) }

    func create(_ context: StepContext) async throws -> StepResult {
        let api = try await TabbyAPI.open(context)
        let registered = try await api.webhooks()
        return StepResult(outputs: ["merchant_code": api.merchantCode, "webhooks": String(registered.count)])
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}
}

/// `tabby.register-webhook`: registers the receiver URL with a header Tabby echoes on every delivery; the value is a
/// fresh secret, sealed into the connection's `webhook_secret` (it is how the receiver knows a delivery is Tabby's).
///
/// Tabby lists registered webhooks with their header, so a crash between registering and saving is mended by
/// `observe`: it adopts the webhook for this URL and saves the value Tabby holds.
struct TabbyRegisterWebhookRunner: StepRunner {
    let header: String
    let secretField: String

    func observe(_ context: StepContext) async throws -> StepResult? {
        let url = try Self.url(context)
        let api = try await TabbyAPI.open(context)
        guard let found = try await api.webhooks().first(where: { $0.url == url }) else { return nil }
        if let value = found.header?.value, try await context.credentials()[secretField] != value {
            try await context.credentials.save(secretField, value)
        }
        return Self.result(found)
    }

    func create(_ context: StepContext) async throws -> StepResult {
        let api = try await TabbyAPI.open(context)
        let value = Self.secret()
        let webhook = try await api.register(url: try Self.url(context), title: header, value: value)
        try await context.credentials.save(secretField, value)
        return Self.result(webhook)
    }

    /// A new URL is a new registration; the old one is removed once the new one holds.
    func update(_ context: StepContext) async throws -> StepResult {
        let result = try await create(context)
        if let old = context.externalID, old != result.externalID { try await delete(context) }
        return result
    }

    func delete(_ context: StepContext) async throws {
        guard let id = context.externalID else { return }
        try await ProviderEndpoint.deleting { try await TabbyAPI.open(context).delete(id) }
    }

    static func url(_ context: StepContext) throws(StepFailure) -> String {
        try ProviderEndpoint.webhookURL(context, provider: "Tabby")
    }

    /// 256 random bits, hex: a header value any HTTP stack passes through untouched.
    static func secret() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
    }

    static func result(_ webhook: TabbyWebhook) -> StepResult {
        StepResult(outputs: ["webhook_id": webhook.id, "url": webhook.url], externalID: webhook.id)
    }
}

/// Tabby's step kinds and their runners.
public enum TabbyAdapter {
    public static func register(
        into runners: inout RunnerRegistry, secretField: String?, currencies: [CurrencyCode]
    ) {
        runners.register(TabbyTestCheckoutRunner(currencies: currencies), for: "tabby.test-checkout")
        runners.register(TabbyVerifyKeyRunner(), for: "tabby.verify-key")
        runners.register(
            TabbyRegisterWebhookRunner(header: "X-Tabby-Signature", secretField: secretField ?? "webhook_secret"),
            for: "tabby.register-webhook")
    }
}
