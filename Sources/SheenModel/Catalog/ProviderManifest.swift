/// One provider's single source of truth (`Providers/<id>.yaml`).
public struct ProviderManifest: Sendable, Hashable {
    public enum Category: String, Sendable, Hashable, CaseIterable {
        case payment, bnpl, messaging, email, shipping, auth, analytics, monitoring, media, database, deploy, cdn
        case search, crm, ai
    }

    public enum Status: String, Sendable, Hashable, CaseIterable {
        case available
        case comingSoon = "coming-soon"
    }

    public var id: String
    public var name: LocalizedText
    public var category: Category
    public var status: Status
    public var docs: String?
    public var auth: Auth
    /// Base URL per environment; a provider that selects test or live mode by key repeats one host.
    public var baseURLs: [DeploymentEnvironment: String]
    /// Hosts that replace the environment's base URL for merchants of one market (Paymob's `ksa.paymob.com`, Tabby's
    /// `api.tabby.sa`): the account lives where the merchant is, and the key decides test or live.
    public var marketBaseURLs: [CountryCode: String]
    /// What a capability means at this provider when it differs from the vocabulary's plain reading (Tap's
    /// merchant-initiated charges are how recurring billing works there: Tap runs no schedule). The plan shows it.
    public var capabilityNotes: [Capability: LocalizedText]
    public var markets: [CountryCode]
    public var currencies: [CurrencyCode]
    public var amountFormat: AmountFormat?
    public var paymentMethods: [PaymentMethod]
    public var regions: [Region]
    public var capabilities: [Capability]
    public var rateLimits: [RateLimit]
    public var retry: RetryHints
    public var idempotency: Idempotency
    public var webhooks: Webhooks?
    public var provisioning: [StepTemplate]
    public var pricing: Pricing?
    /// Where the manifest's facts come from (provider documentation pages, official SDKs), so a reviewer can check
    /// each one and a changed API is traced to the page that changed.
    public var sources: [String]
    /// Why a `coming-soon` provider is not offered yet (`status_reason:`), shown wherever it is left out.
    public var statusReason: LocalizedText?
    public var location: SourceLocation?

    public init(
        id: String, name: LocalizedText, category: Category, status: Status, docs: String? = nil, auth: Auth,
        baseURLs: [DeploymentEnvironment: String], markets: [CountryCode], currencies: [CurrencyCode],
        amountFormat: AmountFormat? = nil, paymentMethods: [PaymentMethod] = [], regions: [Region] = [],
        capabilities: [Capability], rateLimits: [RateLimit] = [], retry: RetryHints = RetryHints(),
        idempotency: Idempotency = .observeBeforeCreate, webhooks: Webhooks? = nil, provisioning: [StepTemplate] = [],
        pricing: Pricing? = nil, location: SourceLocation? = nil, marketBaseURLs: [CountryCode: String] = [:],
        capabilityNotes: [Capability: LocalizedText] = [:], sources: [String] = []
    ) {
        self.sources = sources
        self.marketBaseURLs = marketBaseURLs
        self.capabilityNotes = capabilityNotes
        self.id = id
        self.name = name
        self.category = category
        self.status = status
        self.docs = docs
        self.auth = auth
        self.baseURLs = baseURLs
        self.markets = markets
        self.currencies = currencies
        self.amountFormat = amountFormat
        self.paymentMethods = paymentMethods
        self.regions = regions
        self.capabilities = capabilities
        self.rateLimits = rateLimits
        self.retry = retry
        self.idempotency = idempotency
        self.webhooks = webhooks
        self.provisioning = provisioning
        self.pricing = pricing
        self.location = location
    }

    /// Whether the provider serves `market`; an empty market list means global.
    public func serves(_ market: CountryCode) -> Bool { markets.isEmpty || markets.contains(market) }

    /// Whether the provider settles `currency`; an empty currency list means it handles no money.
    public func settles(_ currency: CurrencyCode) -> Bool { currencies.contains(currency) }
}

extension ProviderManifest {
    /// How a provider authenticates calls, and the credential fields a connection form asks for.
    public struct Auth: Sendable, Hashable {
        public enum Method: String, Sendable, Hashable, CaseIterable {
            case bearer, basic, header, token, body, query, dsn, oauth2, none
        }

        public var method: Method
        /// The header or parameter as the provider documents it, with `{field}` placeholders.
        public var scheme: String?
        public var credentials: [CredentialField]
        /// How an access token is obtained when the credentials are not used on each call as they are.
        public var token: TokenGrant?

        public init(
            method: Method, scheme: String? = nil, credentials: [CredentialField] = [], token: TokenGrant? = nil
        ) {
            self.method = method
            self.scheme = scheme
            self.credentials = credentials
            self.token = token
        }

        public func credential(named name: String) -> CredentialField? { credentials.first { $0.name == name } }
    }

    /// An OAuth 2.0 grant that turns a connection's credentials into a short-lived access token. URLs and the
    /// audience may name credential fields as `{field}` (Auth0's token endpoint lives on the tenant's own domain).
    public struct TokenGrant: Sendable, Hashable {
        public enum Grant: String, Sendable, Hashable, CaseIterable {
            /// RFC 6749 §4.4: a confidential client's id and secret (Auth0 Management API, Azure).
            case clientCredentials = "client_credentials"
            /// RFC 7523: a JWT signed with a service-account key (Google Cloud).
            case jwtBearer = "jwt_bearer"
            /// RFC 6749 §4.1 with PKCE (RFC 7636): a user authorises Sheen in a browser (HubSpot, Slack, GitHub).
            case authorizationCode = "authorization_code"
        }

        public var grant: Grant
        public var tokenURL: String
        public var authorizeURL: String?
        public var audience: String?
        public var scopes: [String]

        public init(
            grant: Grant, tokenURL: String, authorizeURL: String? = nil, audience: String? = nil, scopes: [String] = []
        ) {
            self.grant = grant
            self.tokenURL = tokenURL
            self.authorizeURL = authorizeURL
            self.audience = audience
            self.scopes = scopes
        }
    }

    /// One field of a connection's credentials.
    public struct CredentialField: Sendable, Hashable {
        public var name: String
        public var secret: Bool
        public var label: LocalizedText
        public var hint: LocalizedText?
        /// A regular expression per environment, so a live key pasted into dev is caught before any call.
        public var patterns: [DeploymentEnvironment: String]
        public var optional: Bool
        /// The variable the app reads it from; `<PROVIDER>_<FIELD>` unless the manifest names another.
        public var env: String?

        public init(
            name: String, secret: Bool, label: LocalizedText, hint: LocalizedText? = nil,
            patterns: [DeploymentEnvironment: String] = [:], optional: Bool = false, env: String? = nil
        ) {
            self.env = env
            self.name = name
            self.secret = secret
            self.label = label
            self.hint = hint
            self.patterns = patterns
            self.optional = optional
        }
    }

    /// How amounts travel on the wire; each adapter converts `Money` accordingly.
    public enum AmountFormat: String, Sendable, Hashable, CaseIterable {
        case minorUnits = "minor_units"
        case decimalMajorUnits = "decimal_major_units"
        case decimalString = "decimal_string"
    }

    /// A way to pay that a provider offers, with the markets and currencies it is restricted to.
    public struct PaymentMethod: Sendable, Hashable {
        public var id: String
        public var providerReference: String?
        /// Empty means every market of the provider.
        public var markets: [CountryCode]
        /// Empty means every currency of the provider.
        public var currencies: [CurrencyCode]
        public var location: SourceLocation?

        public init(
            id: String, providerReference: String? = nil, markets: [CountryCode] = [], currencies: [CurrencyCode] = [],
            location: SourceLocation? = nil
        ) {
            self.id = id
            self.providerReference = providerReference
            self.markets = markets
            self.currencies = currencies
            self.location = location
        }
    }

    /// A place a provider can keep data or run workloads.
    public struct Region: Sendable, Hashable {
        public var id: String
        public var country: CountryCode
        public var name: LocalizedText?

        public init(id: String, country: CountryCode, name: LocalizedText? = nil) {
            self.id = id
            self.country = country
            self.name = name
        }
    }

    /// A documented (or assumed, when `confirmed` is false) request budget.
    public struct RateLimit: Sendable, Hashable {
        public enum Scope: String, Sendable, Hashable, CaseIterable {
            case connection, account, endpoint, ip
        }

        public var requests: Int
        public var perSeconds: Double
        public var burst: Int
        public var scope: Scope
        /// Empty means every environment.
        public var environments: [DeploymentEnvironment]
        public var endpoint: String?
        public var confirmed: Bool

        public init(
            requests: Int, perSeconds: Double, burst: Int, scope: Scope, environments: [DeploymentEnvironment] = [],
            endpoint: String? = nil, confirmed: Bool = true
        ) {
            self.requests = requests
            self.perSeconds = perSeconds
            self.burst = burst
            self.scope = scope
            self.environments = environments
            self.endpoint = endpoint
            self.confirmed = confirmed
        }

        /// Sustained rate in requests per second.
        public var ratePerSecond: Double { Double(requests) / perSeconds }
    }

    /// What the provider tells clients about retrying.
    public struct RetryHints: Sendable, Hashable {
        public var statuses: [Int]
        public var retryAfterHeader: String?
        public var resetHeader: String?
        /// A header the provider sets to say whether a retry is safe (Stripe's `Stripe-Should-Retry`).
        public var shouldRetryHeader: String?

        public init(
            statuses: [Int] = [408, 409, 429, 500, 502, 503, 504], retryAfterHeader: String? = nil,
            resetHeader: String? = nil, shouldRetryHeader: String? = nil
        ) {
            self.statuses = statuses
            self.retryAfterHeader = retryAfterHeader
            self.resetHeader = resetHeader
            self.shouldRetryHeader = shouldRetryHeader
        }
    }

    /// Whether a retried create is safe on the provider's side, or Sheen must observe before creating.
    public enum Idempotency: Sendable, Hashable {
        case header(name: String, retentionHours: Int?, maxKeyLength: Int?)
        /// The key travels in the request body at this dotted path (Tap's `reference.idempotent`).
        case bodyField(path: String, maxKeyLength: Int?)
        case observeBeforeCreate
    }

    /// How the provider proves a webhook is its own, and what it sends.
    public struct Webhooks: Sendable, Hashable {
        /// The public scheme ids `SheenWebhooks` verifies (`sheen webhooks verify --scheme`).
        public enum Scheme: String, Sendable, Hashable, CaseIterable {
            case stripe
            case standardWebhooks = "standard-webhooks"
            case github, slack, twilio, paymob, tap, tabby, tamara, moyasar
            /// The provider signs nothing: a secret per-connection token in the webhook URL.
            case urlToken = "url-token"

            /// The names manifests used before the ids were settled, still read.
            public static let aliases: [String: Scheme] = [
                "stripe-v1": .stripe, "svix": .standardWebhooks, "tap-hashstring": .tap, "paymob-hmac-sha512": .paymob,
                "static-header": .tabby, "tamara-jwt": .tamara, "body-secret-token": .moyasar,
                "twilio-signature": .twilio, "unsigned": .urlToken,
            ]
        }

        public enum Registration: String, Sendable, Hashable, CaseIterable {
            case api
            case perRequest = "per_request"
            case dashboard
        }

        public var scheme: Scheme
        public var registration: Registration
        public var events: [String]
        public var toleranceSeconds: Int?
        /// The connection's credential field that holds the signing secret (`webhook_secret`, Tap's `secret_key`).
        public var secretField: String?

        public init(
            scheme: Scheme, registration: Registration, events: [String], toleranceSeconds: Int? = nil,
            secretField: String? = nil
        ) {
            self.secretField = secretField
            self.scheme = scheme
            self.registration = registration
            self.events = events
            self.toleranceSeconds = toleranceSeconds
        }
    }

    /// List prices for the plan's cost preview; `confirmed: false` marks an estimate.
    public struct Pricing: Sendable, Hashable {
        public var monthlyFee: Money
        public var percentPerTransaction: Double?
        public var fixedPerTransaction: Money?
        public var perUnit: Money?
        public var unit: String?
        public var note: LocalizedText?
        public var confirmed: Bool

        public init(
            monthlyFee: Money, percentPerTransaction: Double? = nil, fixedPerTransaction: Money? = nil,
            perUnit: Money? = nil, unit: String? = nil, note: LocalizedText? = nil, confirmed: Bool = false
        ) {
            self.monthlyFee = monthlyFee
            self.percentPerTransaction = percentPerTransaction
            self.fixedPerTransaction = fixedPerTransaction
            self.perUnit = perUnit
            self.unit = unit
            self.note = note
            self.confirmed = confirmed
        }
    }
}
