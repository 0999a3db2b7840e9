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
    public var location: SourceLocation?

    public init(
        name: String, recipe: Reference, markets: [CountryCode], currencies: [CurrencyCode],
        environments: [DeploymentEnvironment], domain: String? = nil, residency: Residency? = nil,
        pins: [String: Reference] = [:], disabledSlots: [Reference] = [], variables: [String: String] = [:],
        location: SourceLocation? = nil
    ) {
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
