/// A stack a user can launch (`Recipes/<id>.yaml`): the capabilities it needs, its own steps, its message templates
/// and the checklist that says when it is live.
public struct Recipe: Sendable, Hashable {
    public var id: String
    public var name: LocalizedText
    public var description: LocalizedText
    public var markets: [CountryCode]
    public var slots: [Slot]
    public var steps: [StepTemplate]
    public var templates: [MessageTemplate]
    public var checklist: Reference
    public var location: SourceLocation?

    public init(
        id: String, name: LocalizedText, description: LocalizedText, markets: [CountryCode], slots: [Slot],
        steps: [StepTemplate] = [], templates: [MessageTemplate] = [], checklist: Reference,
        location: SourceLocation? = nil
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.markets = markets
        self.slots = slots
        self.steps = steps
        self.templates = templates
        self.checklist = checklist
        self.location = location
    }

    public func slot(named name: String) -> Slot? { slots.first { $0.name == name } }
}

extension Recipe {
    /// A role in the stack that one provider (or one per market) fills.
    public struct Slot: Sendable, Hashable {
        public var name: String
        public var title: LocalizedText?
        public var capabilities: [Capability]
        public var optional: Bool
        /// Resolve separately for each market, so SA/AE can get Tap while EG gets Paymob.
        public var perMarket: Bool
        /// Providers to try first, in order; they must still satisfy every constraint.
        public var prefer: [Reference]
        /// Payment methods a provider must offer in each market where they apply (`mada` in SA, `knet` in KW).
        public var paymentMethods: [String]
        /// Whether the provider's data regions must satisfy the project's residency requirement.
        public var residency: Bool
        public var location: SourceLocation?

        public init(
            name: String, title: LocalizedText? = nil, capabilities: [Capability], optional: Bool = false,
            perMarket: Bool = false, prefer: [Reference] = [], paymentMethods: [String] = [], residency: Bool = false,
            location: SourceLocation? = nil
        ) {
            self.name = name
            self.title = title
            self.capabilities = capabilities
            self.optional = optional
            self.perMarket = perMarket
            self.prefer = prefer
            self.paymentMethods = paymentMethods
            self.residency = residency
            self.location = location
        }
    }

    /// A message the stack sends, in Arabic and English; WhatsApp templates follow Meta's rules.
    public struct MessageTemplate: Sendable, Hashable {
        public enum Channel: String, Sendable, Hashable, CaseIterable {
            case whatsapp, sms, email
        }

        public enum Category: String, Sendable, Hashable, CaseIterable {
            case marketing = "MARKETING"
            case utility = "UTILITY"
            case authentication = "AUTHENTICATION"
        }

        /// One language's text of a template.
        public struct Variant: Sendable, Hashable {
            public var language: String
            public var header: String?
            public var body: String
            public var footer: String?
            public var buttons: [String]
            public var location: SourceLocation?

            public init(
                language: String, header: String? = nil, body: String, footer: String? = nil, buttons: [String] = [],
                location: SourceLocation? = nil
            ) {
                self.language = language
                self.header = header
                self.body = body
                self.footer = footer
                self.buttons = buttons
                self.location = location
            }
        }

        public var name: String
        public var channel: Channel
        public var category: Category?
        /// Sample values for `{{1}}`, `{{2}}`…, which Meta requires at submission.
        public var examples: [String]
        public var variants: [Variant]
        public var location: SourceLocation?

        public init(
            name: String, channel: Channel, category: Category? = nil, examples: [String] = [], variants: [Variant],
            location: SourceLocation? = nil
        ) {
            self.name = name
            self.channel = channel
            self.category = category
            self.examples = examples
            self.variants = variants
            self.location = location
        }
    }
}
