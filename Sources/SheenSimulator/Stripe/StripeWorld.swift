// swift-format-ignore-file: AlwaysUseLowerCamelCase
// Wire types spell fields as Stripe does.

import Foundation

/// Everything the Stripe simulator knows, as Stripe's own objects (field names as the API spells them).
public struct StripeWorld: SimulatorWorld {
    public struct Account: Codable, Sendable {
        public var id: String
        public var object = "account"
        public var country: String
        public var default_currency: String
        public var charges_enabled = true

        public init(id: String, country: String, default_currency: String) {
            self.id = id
            self.country = country
            self.default_currency = default_currency
        }
    }

    public struct WebhookEndpoint: Codable, Sendable {
        public var id: String
        public var object = "webhook_endpoint"
        public var api_version = AlwaysNull()
        public var application = AlwaysNull()
        public var url: String
        public var enabled_events: [String]
        public var status = "enabled"
        @Nullable public var description: String?
        public var metadata: [String: String]
        public var created: Int
        public var livemode = false
        /// Returned only by the create call.
        public var secret: String
    }

    public struct PaymentIntent: Codable, Sendable {
        public struct PaymentError: Codable, Sendable {
            public var type = "card_error"
            public var code: String
            public var decline_code: String?
            public var message: String
        }
        public struct Tip: Codable, Sendable {}
        public struct AmountDetails: Codable, Sendable { public var tip = Tip() }
        public struct Automatic: Codable, Sendable { public var enabled: Bool }
        public struct CardOptions: Codable, Sendable {
            public var installments = AlwaysNull()
            public var mandate_options = AlwaysNull()
            public var network = AlwaysNull()
            public var request_three_d_secure = "automatic"
        }
        public struct LinkOptions: Codable, Sendable { public var persistent_token = AlwaysNull() }
        public struct MethodOptions: Codable, Sendable {
            public var card = CardOptions()
            public var link = LinkOptions()
        }
        public var id: String
        public var object = "payment_intent"
        public var amount: Int64
        public var amount_capturable: Int64 = 0
        public var amount_details = AmountDetails()
        public var amount_received: Int64
        public var application = AlwaysNull()
        public var application_fee_amount = AlwaysNull()
        public var automatic_payment_methods = Automatic(enabled: true)
        public var canceled_at = AlwaysNull()
        public var cancellation_reason = AlwaysNull()
        public var capture_method = "automatic"
        public var confirmation_method = "automatic"
        public var currency: String
        public var customer = AlwaysNull()
        public var status: String
        @Nullable public var payment_method: String?
        @Nullable public var description: String?
        public var metadata: [String: String]
        public var created: Int
        public var livemode = false
        public var client_secret: String
        @Nullable public var last_payment_error: PaymentError?
        @Nullable public var latest_charge: String?
        public var next_action = AlwaysNull()
        public var on_behalf_of = AlwaysNull()
        public var payment_method_options = MethodOptions()
        public var payment_method_types = ["card", "link"]
        public var processing = AlwaysNull()
        public var receipt_email = AlwaysNull()
        public var review = AlwaysNull()
        public var setup_future_usage = AlwaysNull()
        public var shipping = AlwaysNull()
        public var source = AlwaysNull()
        public var statement_descriptor = AlwaysNull()
        public var statement_descriptor_suffix = AlwaysNull()
        public var transfer_data = AlwaysNull()
        public var transfer_group = AlwaysNull()
    }

    /// A stored answer to an idempotent request (Stripe keeps them 24 hours).
    public struct Replay: Codable, Sendable {
        public var request: String
        public var status: Int
        public var body: Data
        public var at: Date
    }

    public var account: Account
    public var endpoints: [String: WebhookEndpoint] = [:]
    public var intents: [String: PaymentIntent] = [:]
    public var replays: [String: Replay] = [:]
    public var ledger: [LedgerEntry] = []
    public var counter = 0

    public init(account: Account = Account(id: "acct_1SheenSimulator", country: "AE", default_currency: "aed")) {
        self.account = account
    }

    /// A fresh id with Stripe's prefix for the kind.
    mutating func newID(_ prefix: String) -> String {
        counter += 1
        return "\(prefix)_sim\(String(format: "%08d", counter))"
    }
}

extension StripeWorld {
    /// An endpoint as every call but its creation shows it: without the secret.
    struct EndpointView: Encodable {
        let endpoint: StripeWorld.WebhookEndpoint
        init(_ endpoint: StripeWorld.WebhookEndpoint) { self.endpoint = endpoint }
        enum Keys: String, CodingKey {
            case id, object, api_version, application, url, enabled_events, status, description, metadata, created,
                livemode
        }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(endpoint.id, forKey: .id)
            try container.encode(endpoint.object, forKey: .object)
            try container.encode(endpoint.api_version, forKey: .api_version)
            try container.encode(endpoint.application, forKey: .application)
            try container.encode(endpoint.url, forKey: .url)
            try container.encode(endpoint.enabled_events, forKey: .enabled_events)
            try container.encode(endpoint.status, forKey: .status)
            try container.encode(Nullable(wrappedValue: endpoint.description), forKey: .description)
            try container.encode(endpoint.metadata, forKey: .metadata)
            try container.encode(endpoint.created, forKey: .created)
            try container.encode(endpoint.livemode, forKey: .livemode)
        }
    }

    struct ListView<Item: Encodable>: Encodable {
        var object = "list"
        var data: [Item]
        var has_more: Bool
        var url: String
    }
}
