import SheenModel

/// A dry-run plan: a pure value that can be printed, saved and compared, and that `apply` later executes.
public struct Plan: Sendable {
    /// What each node of the graph is.
    public enum Role: String, Sendable, Hashable, Codable {
        /// A provisioning step with side effects.
        case step
        /// A check that gates steps (credentials present and shaped right, DNS answers).
        case preflight
        /// An activation checklist item, a sink fed by the steps that evidence it.
        case checklist
    }

    /// A node of the plan graph.
    public struct Node: Sendable, Hashable {
        public var id: String
        public var role: Role
        public var kind: String
        public var slot: String?
        public var provider: String?
        public var title: LocalizedText?
        public var dependsOn: [String]
        public var level: Int
        /// For steps only.
        public var action: StepAction?
        public var reason: ActionReason?
        public var inputHash: String
        /// What the step is given: the planner's view of its configuration, which adapters read and the hash covers.
        public var inputs: [String: String]
        public var outputs: [StepTemplate.Output]
        /// The connection the step's calls go through (`provider/alias`); `nil` for steps that call no provider.
        public var connection: String?
        /// For a step waiting on a person or a provider: what it waits on and what to do next.
        public var note: String?

        public init(
            id: String, role: Role, kind: String, slot: String?, provider: String?, title: LocalizedText?,
            dependsOn: [String], level: Int, action: StepAction?, reason: ActionReason?, inputHash: String,
            inputs: [String: String] = [:], outputs: [StepTemplate.Output], connection: String? = nil
        ) {
            self.connection = connection
            self.id = id
            self.role = role
            self.kind = kind
            self.slot = slot
            self.provider = provider
            self.title = title
            self.dependsOn = dependsOn
            self.level = level
            self.action = action
            self.reason = reason
            self.inputHash = inputHash
            self.inputs = inputs
            self.outputs = outputs
        }
    }

    /// How an activation item stands once this plan is applied.
    public struct ChecklistEntry: Sendable, Hashable {
        public var item: String
        public var title: LocalizedText
        public var applies: Bool
        /// Planned steps whose success turns the item green.
        public var evidencedBy: [String]
        /// Other evidence the item accepts (probes, events, attestation), which needs the user or a later run.
        public var otherEvidence: [Checklist.Evidence]
        public var fix: LocalizedText
        /// What the recorded state says still blocks the item, with its fix: a step that succeeded with a verdict
        /// against it (Meta rejected a template). An item with blockers does not turn green.
        public var blockers: [LocalizedText] = []

        public init(
            item: String, title: LocalizedText, applies: Bool, evidencedBy: [String],
            otherEvidence: [Checklist.Evidence], fix: LocalizedText, blockers: [LocalizedText] = []
        ) {
            self.item = item
            self.title = title
            self.applies = applies
            self.evidencedBy = evidencedBy
            self.otherEvidence = otherEvidence
            self.fix = fix
            self.blockers = blockers
        }

        public var turnsGreen: Bool { applies && !evidencedBy.isEmpty && blockers.isEmpty }
    }

    /// A provider's list price, for the cost preview.
    public struct CostLine: Sendable, Hashable {
        public var provider: String
        public var pricing: ProviderManifest.Pricing
    }

    /// How many calls a provider will see, against its tightest documented limit.
    public struct RateBudget: Sendable, Hashable {
        public var provider: String
        public var steps: Int
        /// Observe then converge: two calls per create, update or replace; one per delete.
        public var estimatedCalls: Int
        public var limit: ProviderManifest.RateLimit?
    }

    /// Which recipe a plan is of, as a saved plan keeps it.
    public struct RecipeRef: Sendable, Hashable {
        public var id: String
        public var name: LocalizedText

        public init(id: String, name: LocalizedText) {
            self.id = id
            self.name = name
        }
    }

    public var formatVersion: String { PlanDocument.formatVersion }
    public var projectName: String
    /// `nil` for a plan of a neutral DAG file.
    public var recipe: RecipeRef?
    public var environment: DeploymentEnvironment
    public var markets: [CountryCode]
    public var currencies: [CurrencyCode]
    public var resolutions: [SlotResolution]
    /// Topological order: by level, then id.
    public var nodes: [Node]
    public var criticalPath: [String]
    public var checklist: [ChecklistEntry]
    public var costs: [CostLine]
    public var rateBudgets: [RateBudget]
    /// The digest of the state this plan was made against.
    public var stateFingerprint: String
    /// Providers (and markets) with no connection to run through, each with the command that adds one.
    public var missingConnections: [MissingConnection] = []
    /// Where each provider connection delivers its webhooks.
    public var webhooks: [WebhookEndpoint] = []
    /// The project settings the plan's test steps use, and where each value comes from.
    public var settings: [SettingUse] = []

    /// One project setting (`owner.phone`…) some steps need.
    public struct SettingUse: Sendable, Hashable {
        public enum Source: String, Sendable, Hashable {
            /// Written in `sheen.yaml`.
            case project
            /// Left out, and filled with a test value because the steps run against the sandbox.
            case sandbox
            /// Left out: the steps that need it will fail until it is set.
            case missing
        }

        public var key: LaunchSettings.Key
        public var value: String?
        public var source: Source
        public var steps: [String]

        public init(key: LaunchSettings.Key, value: String?, source: Source, steps: [String]) {
            self.key = key
            self.value = value
            self.source = source
            self.steps = steps
        }
    }

    /// The receiver URL of one provider connection, as it must be registered with the provider.
    public struct WebhookEndpoint: Sendable, Hashable {
        public var provider: String
        public var alias: String
        /// The signature scheme's public id.
        public var scheme: String
        /// How the endpoint is registered: `api` (a step does it), `dashboard` (by hand) or `per_request`.
        public var registration: String
        /// `webhooks.public_url` + `/v1/webhooks/{provider}/{alias}`; `nil` until the project sets a public URL.
        public var url: String?
        /// The provider signs nothing, so the registered URL also carries the connection's secret token, which
        /// plans never show (`sheen webhooks url` prints it).
        public var tokenInURL: Bool

        public init(
            provider: String, alias: String, scheme: String, registration: String, url: String?, tokenInURL: Bool
        ) {
            self.provider = provider
            self.alias = alias
            self.scheme = scheme
            self.registration = registration
            self.url = url
            self.tokenInURL = tokenInURL
        }
    }

    /// A provider the plan uses with no connection for some of its markets in this environment.
    public struct MissingConnection: Sendable, Hashable {
        public var provider: String
        public var environment: DeploymentEnvironment
        public var alias: String
        public var markets: [CountryCode]
        /// The required credential fields, each read from `<PROVIDER>_<FIELD>` in the suggested command.
        public var fields: [String]

        public init(
            provider: String, environment: DeploymentEnvironment, alias: String, markets: [CountryCode],
            fields: [String]
        ) {
            self.provider = provider
            self.environment = environment
            self.alias = alias
            self.markets = markets
            self.fields = fields
        }

        /// The exact `sheen connect` that binds these markets.
        public var command: String {
            var parts = ["sheen connect \(provider) --env \(environment.rawValue)"]
            if alias != Connection.defaultAlias {
                parts.append("--alias \(alias)")
                parts += markets.map { "--market \($0.rawValue)" }
            }
            for field in fields {
                parts.append(
                    "--field \(field)=@env:\(Connection.environmentVariable(provider: provider, field: field))")
            }
            return parts.joined(separator: " ")
        }
    }

    public var steps: [Node] { nodes.filter { $0.role == .step } }

    /// Graph depth in levels (steps and preflight checks).
    public var depth: Int { (nodes.filter { $0.role != .checklist }.map(\.level).max() ?? -1) + 1 }

    public func count(_ action: StepAction) -> Int {
        var total = 0
        for node in nodes where node.action == action { total += 1 }
        return total
    }

    /// Whether applying this plan would change anything.
    public var hasChanges: Bool { nodes.contains { $0.action != nil && $0.action != .noop } }
}

/// What applying a plan does to a step, as Terraform's plan actions.
public enum StepAction: String, Sendable, Hashable, Codable, CaseIterable {
    case create, update, replace, delete, noop
}

/// Why a step has its action, as Terraform's `action_reason`.
public enum ActionReason: String, Sendable, Hashable, Codable, CaseIterable {
    case newStep = "new-step"
    case unchanged
    case inputsChanged = "inputs-changed"
    case kindChanged = "kind-changed"
    case failedPreviously = "failed-previously"
    /// It stopped to wait on a person or a provider; it is observed first, so a finished redirect or review completes it.
    case waiting
    /// Its last record is `skipped` (a dependency failed) or `pending`: it never ran in its current form.
    case skippedPreviously = "skipped-previously"
    case interrupted
    case notInPlan = "not-in-plan"
}
