/// Everything Sheen knows about providers, recipes, checklists and capabilities, indexed by id.
public struct Catalog: Sendable {
    public private(set) var capabilities: [Capability: CapabilityDefinition]
    public private(set) var providers: [String: ProviderManifest]
    public private(set) var recipes: [String: Recipe]
    public private(set) var checklists: [String: Checklist]

    public init(
        capabilities: [CapabilityDefinition] = [], providers: [ProviderManifest] = [], recipes: [Recipe] = [],
        checklists: [Checklist] = []
    ) {
        self.capabilities = Dictionary(capabilities.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.providers = Dictionary(providers.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.recipes = Dictionary(recipes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.checklists = Dictionary(checklists.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public var sortedProviders: [ProviderManifest] { providers.values.sorted { $0.id < $1.id } }
    public var sortedRecipes: [Recipe] { recipes.values.sorted { $0.id < $1.id } }

    /// Providers matching every given filter, sorted by id.
    ///
    /// A market filter keeps providers that serve the market (global providers included); a currency filter keeps
    /// those that settle it.
    public func providers(
        offering capability: Capability? = nil, in market: CountryCode? = nil, settling currency: CurrencyCode? = nil,
        status: ProviderManifest.Status? = nil
    ) -> [ProviderManifest] {
        sortedProviders.filter { provider in
            (capability.map(provider.capabilities.contains) ?? true)
                && (market.map(provider.serves) ?? true)
                && (currency.map(provider.settles) ?? true)
                && (status.map { provider.status == $0 } ?? true)
        }
    }

    /// Every checklist item id across all checklists.
    public var checklistItemIDs: Set<String> { Set(checklists.values.flatMap { $0.items.map(\.id) }) }
}
