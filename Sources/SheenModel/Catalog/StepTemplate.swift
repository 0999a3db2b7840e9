/// A provisioning step as written in a manifest or recipe, before the planner instantiates it.
public struct StepTemplate: Sendable, Hashable {
    /// An output a step produces; secret outputs never reach plans, state or logs.
    public struct Output: Sendable, Hashable {
        public var name: String
        public var secret: Bool
        /// The variable the app reads it from, when the recipe promises it to the app (`sheen env export`).
        public var env: String?

        public init(name: String, secret: Bool = false, env: String? = nil) {
            self.name = name
            self.secret = secret
            self.env = env
        }
    }

    public var id: String
    /// The adapter operation that runs it: `<provider>.<verb>`, `recipe.<verb>` or `sheen.data`.
    public var kind: String
    public var title: LocalizedText?
    /// In a manifest: a sibling step id, or `recipe.<step>` for a step of the recipe using the provider.
    /// In a recipe: a recipe step id or a slot name (every step of the provider that fills it).
    public var dependsOn: [Reference]
    public var outputs: [Output]
    /// Checklist items this step turns green when it succeeds.
    public var evidences: [Reference]
    /// Environments the step runs in; empty means all.
    public var environments: [DeploymentEnvironment]
    /// Project settings the step is handed as inputs (`owner.phone`, `senders.sms`, `shipping.from`…).
    public var needs: [LaunchSettings.Key] = []
    /// The recipe's templates of this channel, handed to the step as its `templates` input (WhatsApp submissions).
    public var templates: Recipe.MessageTemplate.Channel?
    /// The recipe slots the step belongs to: planned only when the provider fills one of them (Infobip's test SMS
    /// runs when Infobip is the SMS provider, not when it only sends WhatsApp). Empty means always.
    public var slots: [String] = []
    /// `regions: true`: the step is given the provider's regions ranked for the project (``RegionRanking``) as its
    /// `regions` input, and the residency rule as `residency`, so it can pick one the account can use.
    public var regions = false
    public var location: SourceLocation?

    public init(
        id: String, kind: String, title: LocalizedText? = nil, dependsOn: [Reference] = [], outputs: [Output] = [],
        evidences: [Reference] = [], environments: [DeploymentEnvironment] = [], location: SourceLocation? = nil
    ) {
        self.id = id
        self.kind = kind
        self.title = title
        self.dependsOn = dependsOn
        self.outputs = outputs
        self.evidences = evidences
        self.environments = environments
        self.location = location
    }
}
