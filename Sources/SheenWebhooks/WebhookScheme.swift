/// How a provider proves a webhook is its own; the raw value is the stable public id (`sheen webhooks verify --scheme`).
public enum WebhookScheme: String, Sendable, Hashable, CaseIterable {
    /// `Stripe-Signature: t=…,v1=…`: HMAC-SHA256 over `t.body`, hex, keyed by the whole `whsec_…` string.
    case stripe
    /// Standard Webhooks (Svix; Resend, Clerk): HMAC-SHA256 over `id.timestamp.body`, base64, several signatures.
    case standardWebhooks = "standard-webhooks"
    /// `X-Hub-Signature-256: sha256=…`: HMAC-SHA256 over the body, hex.
    case github
    /// `X-Slack-Signature: v0=…`: HMAC-SHA256 over `v0:timestamp:body`, hex.
    case slack
    /// `X-Twilio-Signature`: HMAC-SHA1 over the full URL and the sorted form parameters, base64.
    case twilio
    /// `?hmac=`: HMAC-SHA512 over Paymob's documented transaction fields, hex.
    case paymob
    /// `hashstring`: HMAC-SHA256 over Tap's `x_`-prefixed fields, amounts at the currency's decimals, hex.
    case tap
    /// The static header registered with the webhook (Tabby signs nothing).
    case tabby
    /// `tamaraToken` (query or `Authorization: Bearer`): an HS256 JWT keyed by the notification token.
    case tamara
    /// `secret_token` in the JSON body (Moyasar signs nothing).
    case moyasar
    /// The provider signs nothing (Infobip): a secret per-connection token in the webhook URL.
    case urlToken = "url-token"

    /// Earlier names in manifests, still accepted.
    public static let aliases: [String: WebhookScheme] = [
        "svix": .standardWebhooks, "stripe-v1": .stripe, "tap-hashstring": .tap, "paymob-hmac-sha512": .paymob,
        "static-header": .tabby, "tamara-jwt": .tamara, "body-secret-token": .moyasar,
        "twilio-signature": .twilio, "unsigned": .urlToken,
    ]

    /// The scheme for an id or an alias.
    public init?(id: String) {
        if let scheme = WebhookScheme(rawValue: id) ?? Self.aliases[id] { self = scheme } else { return nil }
    }

    /// Schemes that carry a timestamp, checked against the tolerance in both directions.
    public var isTimed: Bool { [.stripe, .standardWebhooks, .slack].contains(self) }
}
