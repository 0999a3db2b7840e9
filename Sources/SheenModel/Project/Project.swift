/// A user's instance of a recipe (`sheen.yaml`).
public struct Project: Sendable, Hashable {
    /// Where the project's data must live.
    public struct Residency: Sendable, Hashable {
        public enum Level: String, Sendable, Hashable, CaseIterable {
            /// A region in one of `countries` is chosen when one fits, otherwise the nearest.
            case preferred
            /// Only providers with a region in one of `countries` may hold data (NCA-scope, health data).
            case required
        }

        public var countries: [CountryCode]
        public var level: Level

        public init(countries: [CountryCode], level: Level) {
            self.countries = countries
            self.level = level
        }
    }

    public var name: String
    public var recipe: Reference
    public var markets: [CountryCode]
    public var currencies: [CurrencyCode]
    public var environments: [DeploymentEnvironment]
    public var domain: String?
    public var residency: Residency?
    /// Slot name (or `slot.MARKET`) to provider id.
    public var pins: [String: Reference]
    /// Optional slots the project leaves out.
    public var disabledSlots: [Reference]
    public var variables: [String: String]
    /// Connections declared in the file for CI, where nothing is stored: each secret field names an environment
    /// variable (`@env:VAR`) read when a step needs it.
    public var connections: [DeclaredConnection]
    /// `webhooks.public_url`: the base URL providers call to reach `sheen serve` (they refuse loopback addresses).
    public var webhookPublicURL: String?
    /// `owner:`, `senders:` and `shipping:`: what the launch's test steps send to and from.
    public var launch = LaunchSettings()
    public var location: SourceLocation?

    /// One `connections:` entry of `sheen.yaml`.
    public struct DeclaredConnection: Sendable, Hashable {
        public var provider: Reference
        public var environment: DeploymentEnvironment
        public var alias: String
        public var markets: [CountryCode]
        /// Field name to its value as written: `@env:VAR`, or a literal for plain fields.
        public var fields: [String: String]
        public var location: SourceLocation?

        public init(
            provider: Reference, environment: DeploymentEnvironment, alias: String = Connection.defaultAlias,
            markets: [CountryCode] = [], fields: [String: String], location: SourceLocation? = nil
        ) {
            self.provider = provider
            self.environment = environment
            self.alias = alias
            self.markets = markets
            self.fields = fields
            self.location = location
        }

        /// The variable a field reads (`@env:VAR` → `VAR`), or `nil` for a literal.
        public static func variable(in value: String) -> String? {
            value.hasPrefix("@env:") ? String(value.dropFirst(5)) : nil
        }
    }

    public init(
        name: String, recipe: Reference, markets: [CountryCode], currencies: [CurrencyCode],
        environments: [DeploymentEnvironment], domain: String? = nil, residency: Residency? = nil,
        pins: [String: Reference] = [:], disabledSlots: [Reference] = [], variables: [String: String] = [:],
        connections: [DeclaredConnection] = [], webhookPublicURL: String? = nil, location: SourceLocation? = nil
    ) {
        self.connections = connections
        self.webhookPublicURL = webhookPublicURL
        self.name = name
        self.recipe = recipe
        self.markets = markets
        self.currencies = currencies
        self.environments = environments
        self.domain = domain
        self.residency = residency
        self.pins = pins
        self.disabledSlots = disabledSlots
        self.variables = variables
        self.location = location
    }
}
