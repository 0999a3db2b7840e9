import Foundation

/// A credentialed account at a provider for one project and environment, known by an alias. A project may hold
/// several per provider (Tap for the Saudi entity and for the Egyptian one, test and live Stripe). Its credential
/// values never live here: plain fields do, secret ones are sealed in the secrets store.
public struct Connection: Sendable, Hashable {
    public static let defaultAlias = "default"

    /// Where a connection comes from: stored by `sheen connect`, or declared in `sheen.yaml` with `@env:` references
    /// (CI: nothing stored, values read from the environment when a step needs them).
    public enum Origin: String, Sendable, Hashable {
        case stored, declared
    }

    public var id: String
    public var project: String
    public var provider: String
    public var environment: DeploymentEnvironment
    public var alias: String
    /// The markets this account serves; empty means any market the provider serves.
    public var markets: [CountryCode]
    public var externalAccountID: String?
    /// A connection to a local simulator, with the simulator's own keys.
    public var sandbox: Bool
    /// Replaces the manifest's base URLs; only a sandbox connection may have one, and only to loopback.
    public var baseURL: String?
    /// Non-secret credential values (a tenant domain, a publishable key).
    public var fields: [String: String]
    public var origin: Origin
    /// A declared connection's fields read from the environment: field name to variable name.
    public var references: [String: String] = [:]
    /// Why the connection last failed to authenticate, and the command that fixes it; `nil` while healthy.
    public var problem: LocalizedText?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, project: String, provider: String, environment: DeploymentEnvironment,
        alias: String = Connection.defaultAlias, markets: [CountryCode] = [], externalAccountID: String? = nil,
        sandbox: Bool = false, baseURL: String? = nil, fields: [String: String] = [:], origin: Origin = .stored,
        problem: LocalizedText? = nil, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.project = project
        self.provider = provider
        self.environment = environment
        self.alias = alias
        self.markets = markets
        self.externalAccountID = externalAccountID
        self.sandbox = sandbox
        self.baseURL = baseURL
        self.fields = fields
        self.origin = origin
        self.problem = problem
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The path `sheen serve` receives this connection's webhooks on.
    public static func webhookPath(provider: String, alias: String) -> String { "/v1/webhooks/\(provider)/\(alias)" }

    /// `provider/alias`: how plans, rate limits and circuit breakers name the connection.
    public var reference: String { "\(provider)/\(alias)" }

    /// Whether this connection takes a step's calls for `market`.
    public func serves(_ market: CountryCode) -> Bool { markets.isEmpty || markets.contains(market) }

    /// The variable a suggested command reads a field from: `TAP_SECRET_KEY` for Tap's `secret_key`.
    public static func environmentVariable(provider: String, field: String) -> String {
        String("\(provider)_\(field)".uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }

    /// Whether an alias is lowercase letters, digits and '-', starting with a letter (it appears in step ids).
    public static func isValidAlias(_ alias: String) -> Bool {
        guard let first = alias.unicodeScalars.first, ("a"..."z").contains(first), alias.count <= 40 else {
            return false
        }
        return alias.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}
