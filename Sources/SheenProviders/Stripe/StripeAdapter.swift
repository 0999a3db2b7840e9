import SheenEngine
import SheenModel

/// Stripe's step kinds and their runners.
public enum StripeAdapter {
    public static func register(into runners: inout RunnerRegistry, manifest: ProviderManifest) {
        runners.register(StripeVerifyKeyRunner(), for: "stripe.verify-key")
        runners.register(
            StripeWebhookEndpointRunner(
                events: manifest.webhooks?.events ?? [], secretField: manifest.webhooks?.secretField ?? "webhook_secret"
            ),
            for: "stripe.webhook-endpoint")
        runners.register(StripeTestPaymentRunner(currencies: manifest.currencies), for: "stripe.test-payment")
    }
}
