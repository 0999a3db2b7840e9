import Foundation
import SheenModel

/// What to plan: a recipe for some markets, currencies and one environment, with the project's pins.
public struct PlanRequest: Sendable {
    public var projectName: String
    public var recipe: Recipe
    public var markets: [CountryCode]
    public var currencies: [CurrencyCode]
    public var environment: DeploymentEnvironment
    public var residency: Project.Residency?
    /// Slot name, or `slot.MARKET`, to provider id.
    public var pins: [String: String]
    public var disabledSlots: Set<String>
    public var domain: String?
    /// The project's connections (any environment: the planner keeps this one's), which steps are bound to.
    public var connections: [Connection] = []
    /// `webhooks.public_url`; the sandbox passes its loopback address.
    public var webhookPublicURL: String?

    /// Where `sheen serve` listens by default. A project whose connections are all sandbox ones and that names no
    /// `webhooks.public_url` has its simulators deliver here: they run on the same machine.
    public static let sandboxReceiver = "http://127.0.0.1:8080"

    /// The receiver's base URL the plan uses: the project's, else the local one when every connection in the plan's
    /// environment is a sandbox connection.
    public var receiverURL: String? {
        if let webhookPublicURL { return webhookPublicURL }
        let bound = connections.filter { $0.environment == environment }
        return !bound.isEmpty && bound.allSatisfy(\.sandbox) ? Self.sandboxReceiver : nil
    }
    /// `owner:`, `senders:`, `shipping:`: what test steps send to and from.
    public var launch = LaunchSettings()

    public init(
        projectName: String, recipe: Recipe, markets: [CountryCode], currencies: [CurrencyCode] = [],
        environment: DeploymentEnvironment = .dev, residency: Project.Residency? = nil, pins: [String: String] = [:],
        disabledSlots: Set<String> = [], domain: String? = nil
    ) {
        self.projectName = projectName
        self.recipe = recipe
        self.markets = markets
        // Each market's own currency when none is given: a KW project charges KWD.
        var currencies = currencies
        if currencies.isEmpty {
            for market in markets {
                if let local = market.localCurrency, !currencies.contains(local) { currencies.append(local) }
            }
        }
        self.currencies = currencies
        self.environment = environment
        self.residency = residency
        self.pins = pins
        self.disabledSlots = disabledSlots
        self.domain = domain
    }

    /// A request for `project` in `environment`; `nil` when the project's recipe is not in `catalog`.
    public init?(project: Project, environment: DeploymentEnvironment, catalog: Catalog) {
        guard let recipe = catalog.recipes[project.recipe.id] else { return nil }
        self.init(
            projectName: project.name, recipe: recipe, markets: project.markets, currencies: project.currencies,
            environment: environment, residency: project.residency, pins: project.pins.mapValues(\.id),
            disabledSlots: Set(project.disabledSlots.map(\.id)), domain: project.domain)
        webhookPublicURL = project.webhookPublicURL
        launch = project.launch
        connections = project.connections.filter { $0.environment == environment }.map { declared in
            var connection = Connection(
                id: "declared:\(declared.provider.id)/\(declared.alias)/\(environment.rawValue)", project: project.name,
                provider: declared.provider.id, environment: environment, alias: declared.alias,
                markets: declared.markets,
                fields: declared.fields.filter { Project.DeclaredConnection.variable(in: $0.value) == nil },
                origin: .declared, createdAt: Date(timeIntervalSince1970: 0), updatedAt: Date(timeIntervalSince1970: 0))
            connection.references = declared.fields.compactMapValues(Project.DeclaredConnection.variable(in:))
            return connection
        }
    }

    /// The currencies a provider must settle in `market`: the market's own if the project charges it, else all the
    /// project's currencies (a US storefront charging only USD).
    public func currencies(for market: CountryCode) -> [CurrencyCode] {
        if let local = market.localCurrency, currencies.contains(local) { return [local] }
        return currencies
    }
}
