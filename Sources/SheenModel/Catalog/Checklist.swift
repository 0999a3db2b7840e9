/// The items that must all be green before a stack is live (`Checklists/<id>.yaml`).
public struct Checklist: Sendable, Hashable {
    public var id: String
    public var name: LocalizedText
    public var items: [Item]
    public var location: SourceLocation?

    public init(id: String, name: LocalizedText, items: [Item], location: SourceLocation? = nil) {
        self.id = id
        self.name = name
        self.items = items
        self.location = location
    }
}

extension Checklist {
    /// One activation item, the evidence that turns it green, and how to fix it when it is not.
    public struct Item: Sendable, Hashable {
        public var id: String
        public var title: LocalizedText
        /// How the evidence is judged: all of, any of, nested.
        public var rule: EvidenceRule
        public var fix: LocalizedText
        /// All must hold for the item to apply to a project; empty means always.
        public var conditions: [Condition]
        public var location: SourceLocation?

        /// Every kind of evidence the rule mentions, in order.
        public var evidence: [Evidence] { rule.leaves }

        /// An item any one of whose `evidence` suffices.
        public init(
            id: String, title: LocalizedText, evidence: [Evidence], fix: LocalizedText, conditions: [Condition] = [],
            location: SourceLocation? = nil
        ) {
            self.init(
                id: id, title: title, rule: .anyOf(evidence.map(EvidenceRule.evidence)), fix: fix,
                conditions: conditions, location: location)
        }

        public init(
            id: String, title: LocalizedText, rule: EvidenceRule, fix: LocalizedText, conditions: [Condition] = [],
            location: SourceLocation? = nil
        ) {
            self.id = id
            self.title = title
            self.rule = rule
            self.fix = fix
            self.conditions = conditions
            self.location = location
        }
    }

    /// How an item's evidence combines. A plain list in YAML is `anyOf`; `{all_of: […]}` and `{any_of: […]}` nest.
    public indirect enum EvidenceRule: Sendable, Hashable {
        case allOf([EvidenceRule])
        case anyOf([EvidenceRule])
        case evidence(Evidence)

        public var leaves: [Evidence] {
            switch self {
            case .allOf(let rules), .anyOf(let rules): rules.flatMap(\.leaves)
            case .evidence(let evidence): [evidence]
            }
        }
    }

    /// Which verified events count: a type, the statuses that mean success (a captured payment, not any transaction),
    /// and optionally one such event for every template and language of a channel (an approval for each of them).
    public struct EventMatch: Sendable, Hashable {
        /// The normalised event type (`charge.captured`, `TEMPLATE_STATUS_UPDATE`).
        public var type: String
        /// The object's status must be one of these (before any `:reason`); empty accepts any.
        public var statuses: [String]
        /// One matching event per template and language of the recipe's templates on this channel, the object being
        /// `name/language`; the latest event of each decides.
        public var perTemplate: Recipe.MessageTemplate.Channel?

        public init(type: String, statuses: [String] = [], perTemplate: Recipe.MessageTemplate.Channel? = nil) {
            self.type = type
            self.statuses = statuses
            self.perTemplate = perTemplate
        }
    }

    /// A kind of evidence an item accepts.
    public enum Evidence: Sendable, Hashable {
        /// The plan's steps that declare `evidences: [item]` all succeeded, with no verdict against them.
        case stepResult
        /// Verified webhook events as ``EventMatch`` says.
        case event(EventMatch)
        /// A preflight probe passed.
        case probe(Probe)
        /// A person attested it, recorded with who and when.
        case manualAttestation
    }

    /// Checks Sheen can run itself before a deploy.
    public enum Probe: String, Sendable, Hashable, CaseIterable {
        case dnsResolves = "dns.resolves"
        case tlsCertificate = "tls.certificate"
        case arabicFontShaping = "font.arabic-shaping"
        case envComplete = "env.complete"
        case deployRegion = "deploy.region"
    }

    /// When an item applies.
    public enum Condition: Sendable, Hashable {
        /// The recipe has this slot and the project did not leave it out.
        case slotPresent(String)
        /// The project targets this market.
        case market(CountryCode)
        /// The plan is for this environment.
        case environment(DeploymentEnvironment)
        /// The project serves Arabic: one of its markets is Arabic-speaking, or its recipe has Arabic templates.
        case servesArabic
    }
}
