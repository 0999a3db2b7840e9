import SheenModel

/// How one slot of the recipe was filled: which providers, for which markets, why, and why not the others.
public struct SlotResolution: Sendable, Hashable {
    /// One provider filling the slot for some markets.
    public struct Assignment: Sendable, Hashable {
        public var provider: String
        public var markets: [CountryCode]
        public var reasons: [LocalizedText]
        /// What the slot's capabilities mean at this provider, where its manifest says (how recurring billing works).
        public var notes: [LocalizedText] = []
        /// The host each market's calls go to, where it differs from the provider's base URL.
        public var hosts: [CountryCode: String] = [:]
    }

    /// A provider that could have filled the slot (it offers at least one of its capabilities) and was not chosen.
    public struct Exclusion: Sendable, Hashable {
        public var provider: String
        public var rule: ExclusionRule
        public var detail: LocalizedText
    }

    public var slot: String
    public var optional: Bool
    public var capabilities: [Capability]
    public var assignments: [Assignment]
    public var exclusions: [Exclusion]
    /// Markets an optional slot could not cover; a required slot with any is a planning error instead.
    public var uncoveredMarkets: [CountryCode]
    /// Left out by the project (`disabled_slots`).
    public var disabled: Bool

    public var providers: [String] { assignments.map(\.provider) }
}

/// The rule that kept a provider out of a slot, named so tools can group and docs can explain.
public enum ExclusionRule: String, Sendable, Hashable, CaseIterable, Codable {
    case capability = "capability-missing"
    case comingSoon = "coming-soon"
    case environment = "environment-unsupported"
    case market = "market-not-served"
    case currency = "currency-not-settled"
    case paymentMethod = "payment-method-missing"
    case residency = "residency-no-region"
    case pinned = "pinned-elsewhere"
    case preference = "lower-preference"
}
