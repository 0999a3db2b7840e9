// swift-format-ignore-file: AlwaysUseLowerCamelCase

// The private mirror types below spell the document's snake_case keys as property names, so the synthesized Decodable
// reads exactly what `PlanDocument.json` writes (a key strategy would also rewrite the keys of `inputs`).
import Foundation
import SheenModel

/// Reading a plan document back: the same keys ``PlanDocument/json`` writes. Derived values (`summary`,
/// `turns_green`, `monthly_totals`) are recomputed from the rest rather than trusted.
extension PlanDocument {
    private struct Document: Decodable {
        var project: String
        var recipe: String?
        var recipe_name: LocalizedText?
        var environment: DeploymentEnvironment
        var markets: [CountryCode]
        var currencies: [CurrencyCode]
        var state_fingerprint: String
        var resolution: [Resolution]
        var nodes: [Node]
        var critical_path: [String]
        var checklist: [ChecklistEntry]
        var cost: Cost
        var rate_budget: [RateBudget]
        var missing_connections: [MissingConnection]?
        var webhooks: [Webhook]?
        var settings: [Setting]?
    }

    private struct Setting: Decodable {
        var key: String
        var value: String?
        var source: String
        var steps: [String]
    }

    private struct Webhook: Decodable {
        var provider: String
        var alias: String
        var scheme: String
        var registration: String
        var url: String?
        var token_in_url: Bool
    }

    private struct MissingConnection: Decodable {
        var provider: String
        var environment: DeploymentEnvironment
        var alias: String
        var markets: [CountryCode]
        var fields: [String]
    }

    private struct Resolution: Decodable {
        struct Assignment: Decodable {
            var provider: String
            var markets: [CountryCode]
            var reasons: [LocalizedText]
            var notes: [LocalizedText]?
            var hosts: [String: String]?
        }
        struct Exclusion: Decodable {
            var provider: String
            var rule: ExclusionRule
            var detail: LocalizedText
        }
        var slot: String
        var optional: Bool
        var disabled: Bool
        var capabilities: [String]
        var assignments: [Assignment]
        var exclusions: [Exclusion]
        var uncovered_markets: [CountryCode]
    }

    private struct Node: Decodable {
        struct Output: Decodable {
            var name: String
            var secret: Bool
            var env: String?
        }
        var id: String
        var role: Plan.Role
        var kind: String
        var slot: String?
        var provider: String?
        var title: LocalizedText?
        var depends_on: [String]
        var level: Int
        var action: StepAction?
        var action_reason: ActionReason?
        var input_hash: String
        var inputs: [String: String]
        var outputs: [Output]
        var connection: String?
        var note: String?
    }

    private struct ChecklistEntry: Decodable {
        var item: String
        var title: LocalizedText
        var applies: Bool
        var evidenced_by: [String]
        var other_evidence: [String]
        var fix: LocalizedText
        var blockers: [LocalizedText]?
    }

    private struct MoneyValue: Decodable {
        var minor_units: Int64
        var currency: CurrencyCode
        var money: Money { Money(minorUnits: minor_units, currency: currency) }
    }

    private struct Cost: Decodable {
        struct Line: Decodable {
            var provider: String
            var monthly_fee: MoneyValue
            var percent_per_transaction: Double?
            var fixed_per_transaction: MoneyValue?
            var per_unit: MoneyValue?
            var unit: String?
            var confirmed: Bool
        }
        var lines: [Line]
    }

    private struct RateBudget: Decodable {
        struct Limit: Decodable {
            var requests: Int
            var per_seconds: Double
            var burst: Int
            var scope: String
            var confirmed: Bool
        }
        var provider: String
        var steps: Int
        var estimated_calls: Int
        var limit: Limit?
    }

    public init(from decoder: any Decoder) throws {
        let document = try Document(from: decoder)
        let recipe = document.recipe.map {
            Plan.RecipeRef(id: $0, name: document.recipe_name ?? LocalizedText(en: $0, ar: $0))
        }
        let checklist = try document.checklist.map { entry in
            Plan.ChecklistEntry(
                item: entry.item, title: entry.title, applies: entry.applies, evidencedBy: entry.evidenced_by,
                otherEvidence: try entry.other_evidence.map { name in
                    guard let evidence = EvidenceName.parse(name) else {
                        throw DecodingError.dataCorrupted(
                            .init(codingPath: decoder.codingPath, debugDescription: "unknown evidence '\(name)'"))
                    }
                    return evidence
                }, fix: entry.fix, blockers: entry.blockers ?? [])
        }
        plan = Plan(
            projectName: document.project, recipe: recipe, environment: document.environment,
            markets: document.markets, currencies: document.currencies,
            resolutions: document.resolution.map { resolution in
                SlotResolution(
                    slot: resolution.slot, optional: resolution.optional,
                    capabilities: resolution.capabilities.map(Capability.init(rawValue:)),
                    assignments: resolution.assignments.map {
                        SlotResolution.Assignment(
                            provider: $0.provider, markets: $0.markets, reasons: $0.reasons, notes: $0.notes ?? [],
                            hosts: Dictionary(
                                uniqueKeysWithValues: ($0.hosts ?? [:]).compactMap { key, value in
                                    CountryCode(rawValue: key).map { ($0, value) }
                                }))
                    },
                    exclusions: resolution.exclusions.map {
                        SlotResolution.Exclusion(provider: $0.provider, rule: $0.rule, detail: $0.detail)
                    },
                    uncoveredMarkets: resolution.uncovered_markets, disabled: resolution.disabled)
            },
            nodes: document.nodes.map { node in
                var planned = Plan.Node(
                    id: node.id, role: node.role, kind: node.kind, slot: node.slot, provider: node.provider,
                    title: node.title, dependsOn: node.depends_on, level: node.level, action: node.action,
                    reason: node.action_reason, inputHash: node.input_hash, inputs: node.inputs,
                    outputs: node.outputs.map { StepTemplate.Output(name: $0.name, secret: $0.secret, env: $0.env) },
                    connection: node.connection)
                planned.note = node.note
                return planned
            },
            criticalPath: document.critical_path, checklist: checklist,
            costs: document.cost.lines.map { line in
                Plan.CostLine(
                    provider: line.provider,
                    pricing: ProviderManifest.Pricing(
                        monthlyFee: line.monthly_fee.money, percentPerTransaction: line.percent_per_transaction,
                        fixedPerTransaction: line.fixed_per_transaction?.money, perUnit: line.per_unit?.money,
                        unit: line.unit, confirmed: line.confirmed))
            },
            rateBudgets: try document.rate_budget.map { budget in
                Plan.RateBudget(
                    provider: budget.provider, steps: budget.steps, estimatedCalls: budget.estimated_calls,
                    limit: try budget.limit.map {
                        guard let scope = ProviderManifest.RateLimit.Scope(rawValue: $0.scope) else {
                            throw DecodingError.dataCorrupted(
                                .init(codingPath: decoder.codingPath, debugDescription: "unknown scope '\($0.scope)'"))
                        }
                        return ProviderManifest.RateLimit(
                            requests: $0.requests, perSeconds: $0.per_seconds, burst: $0.burst, scope: scope,
                            confirmed: $0.confirmed)
                    })
            },
            stateFingerprint: document.state_fingerprint,
            missingConnections: (document.missing_connections ?? []).map {
                Plan.MissingConnection(
                    provider: $0.provider, environment: $0.environment, alias: $0.alias, markets: $0.markets,
                    fields: $0.fields)
            },
            webhooks: (document.webhooks ?? []).map {
                Plan.WebhookEndpoint(
                    provider: $0.provider, alias: $0.alias, scheme: $0.scheme, registration: $0.registration,
                    url: $0.url, tokenInURL: $0.token_in_url)
            },
            settings: (document.settings ?? []).compactMap { setting in
                guard let key = LaunchSettings.Key(rawValue: setting.key),
                    let source = Plan.SettingUse.Source(rawValue: setting.source)
                else { return nil }
                return Plan.SettingUse(key: key, value: setting.value, source: source, steps: setting.steps)
            })
    }
}
