import Foundation
import SheenEngine
import SheenModel
import SheenPlanner

/// What `POST /v1/projects` takes: a recipe and the markets it launches in. Kept as JSON in the store.
public struct ProjectSpec: Codable, Sendable, Hashable {
    public var name: String
    public var recipe: String
    /// The recipe's own markets when empty.
    public var markets: [String]
    /// Each market's currency when empty.
    public var currencies: [String]
    public var domain: String?
    /// The https base URL that reaches `sheen serve` from the internet (`webhooks.public_url`): providers are given
    /// `<it>/projects/<name>/<environment>/v1/webhooks/<provider>/<alias>`.
    public var webhookPublicURL: String?

    enum CodingKeys: String, CodingKey {
        case name, recipe, markets, currencies, domain
        case webhookPublicURL = "webhook_public_url"
    }

    public init(
        name: String, recipe: String, markets: [String] = [], currencies: [String] = [], domain: String? = nil,
        webhookPublicURL: String? = nil
    ) {
        self.name = name
        self.recipe = recipe
        self.markets = markets
        self.currencies = currencies
        self.domain = domain
        self.webhookPublicURL = webhookPublicURL
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        recipe = try container.decode(String.self, forKey: .recipe)
        markets = try container.decodeIfPresent([String].self, forKey: .markets) ?? []
        currencies = try container.decodeIfPresent([String].self, forKey: .currencies) ?? []
        domain = try container.decodeIfPresent(String.self, forKey: .domain)
        webhookPublicURL = try container.decodeIfPresent(String.self, forKey: .webhookPublicURL)
    }
}

/// Projects made through the API or the dashboard: checked against the catalog when created, and turned into the
/// same ``PlanRequest`` the CLI builds from `sheen.yaml`.
public struct ProjectService: Sendable {
    public let store: any ConsoleStore
    public let catalog: Catalog
    public let now: @Sendable () -> Date

    public init(store: any ConsoleStore, catalog: Catalog, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.catalog = catalog
        self.now = now
    }

    /// A project as the API shows it.
    public struct Details: Sendable {
        public var spec: ProjectSpec
        public var recipe: Recipe
        public var markets: [CountryCode]
        public var currencies: [CurrencyCode]
        public var createdAt: Date
    }

    public func create(_ spec: ProjectSpec) async throws(ConsoleError) -> Details {
        var spec = spec
        spec.name = spec.name.trimmingCharacters(in: .whitespaces)
        spec.domain = spec.domain?.trimmingCharacters(in: .whitespaces).lowercased()
        if spec.domain?.isEmpty == true { spec.domain = nil }
        spec.webhookPublicURL = spec.webhookPublicURL?.trimmingCharacters(in: .whitespaces)
        while spec.webhookPublicURL?.hasSuffix("/") == true { spec.webhookPublicURL?.removeLast() }
        if spec.webhookPublicURL?.isEmpty == true { spec.webhookPublicURL = nil }
        let details = try validate(spec, createdAt: now())
        let body = String(decoding: (try? Self.encoder.encode(spec)) ?? Data("{}".utf8), as: UTF8.self)
        do {
            guard
                try await store.createProject(ProjectRecord(name: spec.name, body: body, createdAt: details.createdAt))
            else { throw ConsoleError.projectExists(spec.name) }
        } catch let error as ConsoleError {
            throw error
        } catch {
            throw .store("\(error)")
        }
        return details
    }

    public func project(_ name: String) async throws(ConsoleError) -> Details {
        let record: ProjectRecord?
        do { record = try await store.project(named: name) } catch { throw .store("\(error)") }
        guard let record, let spec = try? JSONDecoder().decode(ProjectSpec.self, from: Data(record.body.utf8)) else {
            throw .noProject(name)
        }
        return try validate(spec, createdAt: record.createdAt)
    }

    public func list() async throws(ConsoleError) -> [Details] {
        let records: [ProjectRecord]
        do { records = try await store.projects() } catch { throw .store("\(error)") }
        return records.compactMap { record in
            guard let spec = try? JSONDecoder().decode(ProjectSpec.self, from: Data(record.body.utf8)) else {
                return nil
            }
            return try? validate(spec, createdAt: record.createdAt)
        }
    }

    /// The plan request of `name` in `environment`, as `sheen plan` would make it from a project file. Its
    /// receiver is the project's own path under its public URL, which `sheen serve` routes to this project.
    public func request(_ name: String, environment: DeploymentEnvironment) async throws(ConsoleError) -> PlanRequest {
        let details = try await project(name)
        var request = PlanRequest(
            projectName: details.spec.name, recipe: details.recipe, markets: details.markets,
            currencies: details.currencies, environment: environment, domain: details.spec.domain)
        request.webhookPublicURL = details.spec.webhookPublicURL.map {
            Self.receiverBase($0, project: name, environment: environment)
        }
        return request
    }

    /// The base under which a project's receiver paths live: `<public>/projects/<name>/<environment>`.
    public static func receiverBase(_ publicURL: String, project: String, environment: DeploymentEnvironment) -> String
    {
        "\(publicURL)/projects/\(project)/\(environment.rawValue)"
    }

    func validate(_ spec: ProjectSpec, createdAt: Date) throws(ConsoleError) -> Details {
        guard Self.isValidName(spec.name) else { throw .invalid(field: "name", Self.nameRule) }
        guard let recipe = catalog.recipes[spec.recipe] else {
            let known = catalog.sortedRecipes.map(\.id).joined(separator: ", ")
            throw .invalid(
                field: "recipe",
                LocalizedText(
                    en: "no recipe \(spec.recipe); pick one of: \(known)",
                    ar: "لا وصفة \(spec.recipe)؛ اختر واحدة من: \(known)"))
        }
        var markets: [CountryCode] = []
        for text in spec.markets {
            guard let market = CountryCode(rawValue: text.uppercased()) else {
                throw .invalid(
                    field: "markets",
                    LocalizedText(
                        en: "\(text) is not an ISO 3166 country code (SA, AE, EG, KW…)",
                        ar: "\(text) ليس رمز دولة وفق ISO 3166 (SA، AE، EG، KW…)"))
            }
            if !markets.contains(market) { markets.append(market) }
        }
        var currencies: [CurrencyCode] = []
        for text in spec.currencies {
            guard let currency = CurrencyCode(rawValue: text.uppercased()) else {
                throw .invalid(
                    field: "currencies",
                    LocalizedText(
                        en: "\(text) is not an ISO 4217 currency code (SAR, AED, EGP…)",
                        ar: "\(text) ليس رمز عملة وفق ISO 4217 (SAR، AED، EGP…)"))
            }
            currencies.append(currency)
        }
        if let domain = spec.domain, !Self.isValidDomain(domain) {
            throw .invalid(
                field: "domain",
                LocalizedText(
                    en: "\(domain) is not a domain name (like souq.example.sa)",
                    ar: "\(domain) ليس اسم نطاق (مثل souq.example.sa)"))
        }
        if let url = spec.webhookPublicURL, !Self.isValidPublicURL(url) {
            throw .invalid(
                field: "webhook_public_url",
                LocalizedText(
                    en:
                        "\(url) is not a base URL providers can call: https://host[:port][/path], no query (http only on loopback)",
                    ar:
                        "\(url) ليس عنوانًا أساسيًا يستطيع المزوّدون استدعاءه: https://host[:port][/path] بلا استعلام (http على الاسترجاع المحلي فقط)"
                ))
        }
        return Details(
            spec: spec, recipe: recipe, markets: markets.isEmpty ? recipe.markets : markets, currencies: currencies,
            createdAt: createdAt)
    }

    /// Lower-case letters, digits and hyphens, starting with a letter, at most 63: it names a journal scope, a
    /// directory and a URL path segment.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first), name.count <= 63 else {
            return false
        }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// https with a host and no query or fragment; http only to loopback, for a tunnel or a test on this machine.
    static func isValidPublicURL(_ text: String) -> Bool {
        guard let url = URLComponents(string: text), let host = url.host, !host.isEmpty, url.query == nil,
            url.fragment == nil, url.user == nil
        else { return false }
        switch url.scheme {
        case "https": return true
        case "http": return host == "127.0.0.1" || host == "localhost" || host == "[::1]" || host == "::1"
        default: return false
        }
    }

    static func isValidDomain(_ domain: String) -> Bool {
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, domain.count <= 253 else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.unicodeScalars.allSatisfy {
                    ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
                }
        }
    }

    public static let nameRule = LocalizedText(
        en: "a project name is 1 to 63 lower-case letters, digits and hyphens, starting with a letter (souq-sa)",
        ar: "اسم المشروع من 1 إلى 63 حرفًا لاتينيًا صغيرًا أو رقمًا أو شرطة، يبدأ بحرف (souq-sa)")

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
}
