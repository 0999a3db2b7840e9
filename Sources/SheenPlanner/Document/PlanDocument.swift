import Foundation
import SheenModel

/// The versioned plan document (`sheen plan --json`, `sheen plan --out`, `sheen apply --plan`), documented in
/// `docs/plan-format.md`: one type both writes and reads it, so a saved plan comes back with its titles, resolutions,
/// checklist, inputs, costs and rate budget.
///
/// Writing goes through ``JSONValue``, whose writer sorts keys and fixes indentation, so the same plan is the same
/// bytes on every platform (Foundation's encoder promises neither); reading is `Decodable` over the same keys.
public struct PlanDocument: Sendable, Decodable {
    public static let formatVersion = "1.0"

    public var plan: Plan

    public init(_ plan: Plan) {
        self.plan = plan
    }

    /// Reads a plan file; a problem is a ``PlanError`` naming the file and what is wrong.
    public static func load(contentsOf path: String) throws(PlanError) -> PlanDocument {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .planUnreadable(reason: "no readable plan file at '\(path)'")
        }
        struct Version: Decodable {
            var formatVersion: String?
            enum CodingKeys: String, CodingKey { case formatVersion = "format_version" }
        }
        guard let version = try? JSONDecoder().decode(Version.self, from: data) else {
            throw .planUnreadable(reason: "'\(path)' is not a plan written by 'sheen plan --out'")
        }
        guard let found = version.formatVersion, found.hasPrefix("1.") else {
            throw .planUnreadable(
                reason: "'\(path)' has format_version \(version.formatVersion ?? "none"); this sheen reads 1.x")
        }
        do {
            return try JSONDecoder().decode(PlanDocument.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw .planUnreadable(
                reason: "'\(path)': missing '\(key.stringValue)' at \(Self.location(context.codingPath))")
        } catch let DecodingError.typeMismatch(_, context) {
            throw .planUnreadable(reason: "'\(path)': wrong type at \(Self.location(context.codingPath))")
        } catch let DecodingError.valueNotFound(_, context) {
            throw .planUnreadable(reason: "'\(path)': null at \(Self.location(context.codingPath))")
        } catch let DecodingError.dataCorrupted(context) {
            throw .planUnreadable(
                reason: "'\(path)': \(context.debugDescription) at \(Self.location(context.codingPath))")
        } catch {
            throw .planUnreadable(reason: "'\(path)': \(error)")
        }
    }

    private static func location(_ path: [any CodingKey]) -> String {
        let text = path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        return text.isEmpty ? "the top level" : String(text.drop { $0 == "." })
    }

    /// The document as pretty-printed JSON with a trailing newline.
    public var rendered: String { json.rendered }

    // MARK: Writing

    public var json: JSONValue {
        .object([
            "format_version": .string(plan.formatVersion),
            "project": .string(plan.projectName),
            "recipe": .optional(plan.recipe?.id),
            "recipe_name": plan.recipe.map { Self.text($0.name) } ?? .null,
            "environment": .string(plan.environment.rawValue),
            "markets": .strings(plan.markets.map(\.rawValue)),
            "currencies": .strings(plan.currencies.map(\.rawValue)),
            "state_fingerprint": .string(plan.stateFingerprint),
            "summary": Self.summary(plan),
            "resolution": .array(plan.resolutions.map(Self.resolution)),
            "nodes": .array(plan.nodes.map(Self.node)),
            "critical_path": .strings(plan.criticalPath),
            "checklist": .array(plan.checklist.map(Self.checklistEntry)),
            "cost": Self.cost(plan),
            "rate_budget": .array(plan.rateBudgets.map(Self.rateBudget)),
            "missing_connections": .array(plan.missingConnections.map(Self.missingConnection)),
            "webhooks": .array(plan.webhooks.map(Self.webhook)),
            "settings": .array(plan.settings.map(Self.setting)),
        ])
    }

    static func setting(_ use: Plan.SettingUse) -> JSONValue {
        .object([
            "key": .string(use.key.rawValue), "value": .optional(use.value), "source": .string(use.source.rawValue),
            "steps": .strings(use.steps),
        ])
    }

    static func webhook(_ endpoint: Plan.WebhookEndpoint) -> JSONValue {
        .object([
            "provider": .string(endpoint.provider),
            "alias": .string(endpoint.alias),
            "scheme": .string(endpoint.scheme),
            "registration": .string(endpoint.registration),
            "url": .optional(endpoint.url),
            "token_in_url": .bool(endpoint.tokenInURL),
        ])
    }

    static func missingConnection(_ missing: Plan.MissingConnection) -> JSONValue {
        .object([
            "provider": .string(missing.provider),
            "environment": .string(missing.environment.rawValue),
            "alias": .string(missing.alias),
            "markets": .strings(missing.markets.map(\.rawValue)),
            "fields": .strings(missing.fields),
            "command": .string(missing.command),
        ])
    }

    static func summary(_ plan: Plan) -> JSONValue {
        var counts: [String: JSONValue] = [:]
        for action in StepAction.allCases { counts[action.rawValue] = .int(plan.count(action)) }
        return .object([
            "actions": .object(counts),
            "steps": .int(plan.steps.count),
            "preflight_checks": .int(plan.nodes.count { $0.role == .preflight }),
            "depth": .int(plan.depth),
            "has_changes": .bool(plan.hasChanges),
            "checklist_turns_green": .int(plan.checklist.count(where: \.turnsGreen)),
            "checklist_needs_you": .int(plan.checklist.count { $0.applies && !$0.turnsGreen }),
        ])
    }

    static func text(_ text: LocalizedText) -> JSONValue { .object(["en": .string(text.en), "ar": .string(text.ar)]) }

    static func resolution(_ resolution: SlotResolution) -> JSONValue {
        .object([
            "slot": .string(resolution.slot),
            "optional": .bool(resolution.optional),
            "disabled": .bool(resolution.disabled),
            "capabilities": .strings(resolution.capabilities.map(\.rawValue)),
            "assignments": .array(
                resolution.assignments.map { assignment in
                    .object([
                        "provider": .string(assignment.provider),
                        "markets": .strings(assignment.markets.map(\.rawValue)),
                        "reasons": .array(assignment.reasons.map(text)),
                        "notes": .array(assignment.notes.map(text)),
                        "hosts": .object(
                            Dictionary(
                                uniqueKeysWithValues: assignment.hosts.map { ($0.key.rawValue, .string($0.value)) })),
                    ])
                }),
            "exclusions": .array(
                resolution.exclusions.map { exclusion in
                    .object([
                        "provider": .string(exclusion.provider), "rule": .string(exclusion.rule.rawValue),
                        "detail": text(exclusion.detail),
                    ])
                }),
            "uncovered_markets": .strings(resolution.uncoveredMarkets.map(\.rawValue)),
        ])
    }

    static func node(_ node: Plan.Node) -> JSONValue {
        .object([
            "id": .string(node.id),
            "role": .string(node.role.rawValue),
            "kind": .string(node.kind),
            "slot": .optional(node.slot),
            "provider": .optional(node.provider),
            "title": node.title.map(text) ?? .null,
            "depends_on": .strings(node.dependsOn),
            "level": .int(node.level),
            "action": .optional(node.action?.rawValue),
            "action_reason": .optional(node.reason?.rawValue),
            "input_hash": .string(node.inputHash),
            "inputs": .object(node.inputs.mapValues(JSONValue.string)),
            "outputs": .array(node.outputs.map(output)),
            "connection": .optional(node.connection),
            "note": .optional(node.note),
        ])
    }

    /// `env` only where the recipe promises the output to the app, so other plans keep their bytes.
    static func output(_ output: StepTemplate.Output) -> JSONValue {
        var fields: [String: JSONValue] = ["name": .string(output.name), "secret": .bool(output.secret)]
        if let env = output.env { fields["env"] = .string(env) }
        return .object(fields)
    }

    static func checklistEntry(_ entry: Plan.ChecklistEntry) -> JSONValue {
        .object([
            "item": .string(entry.item),
            "title": text(entry.title),
            "applies": .bool(entry.applies),
            "turns_green": .bool(entry.turnsGreen),
            "evidenced_by": .strings(entry.evidencedBy),
            "other_evidence": .strings(entry.otherEvidence.map(EvidenceName.format)),
            "fix": text(entry.fix),
            "blockers": .array(entry.blockers.map(text)),
        ])
    }

    static func money(_ money: Money?) -> JSONValue {
        guard let money else { return .null }
        return .object(["minor_units": .int(Int(money.minorUnits)), "currency": .string(money.currency.rawValue)])
    }

    static func cost(_ plan: Plan) -> JSONValue {
        var totals: [String: Int64] = [:]
        for line in plan.costs {
            totals[line.pricing.monthlyFee.currency.rawValue, default: 0] += line.pricing.monthlyFee.minorUnits
        }
        return .object([
            "lines": .array(
                plan.costs.map { line in
                    .object([
                        "provider": .string(line.provider),
                        "monthly_fee": money(line.pricing.monthlyFee),
                        "percent_per_transaction": line.pricing.percentPerTransaction.map(JSONValue.double) ?? .null,
                        "fixed_per_transaction": money(line.pricing.fixedPerTransaction),
                        "per_unit": money(line.pricing.perUnit),
                        "unit": .optional(line.pricing.unit),
                        "confirmed": .bool(line.pricing.confirmed),
                    ])
                }),
            "monthly_totals": .object(totals.mapValues { .int(Int($0)) }),
        ])
    }

    static func rateBudget(_ budget: Plan.RateBudget) -> JSONValue {
        .object([
            "provider": .string(budget.provider),
            "steps": .int(budget.steps),
            "estimated_calls": .int(budget.estimatedCalls),
            "limit": budget.limit.map { limit in
                .object([
                    "requests": .int(limit.requests), "per_seconds": .double(limit.perSeconds),
                    "burst": .int(limit.burst),
                    "scope": .string(limit.scope.rawValue), "confirmed": .bool(limit.confirmed),
                ])
            } ?? .null,
        ])
    }
}
