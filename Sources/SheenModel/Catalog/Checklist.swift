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
        public var evidence: [Evidence]
        public var fix: LocalizedText
        /// All must hold for the item to apply to a project; empty means always.
        public var conditions: [Condition]
        public var location: SourceLocation?

        public init(
            id: String, title: LocalizedText, evidence: [Evidence], fix: LocalizedText, conditions: [Condition] = [],
            location: SourceLocation? = nil
        ) {
            self.id = id
            self.title = title
            self.evidence = evidence
            self.fix = fix
            self.conditions = conditions
            self.location = location
        }
    }

    /// What can turn an item green; any one kind listed on an item suffices.
    public enum Evidence: Sendable, Hashable {
        /// A provisioning step that declares `evidences: [item]` succeeded.
        case stepResult
        /// A verified webhook event of this type arrived (`charge.captured`, `message_template_status_update`).
        case event(type: String, status: String?)
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
