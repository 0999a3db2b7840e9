import Foundation
import SheenModel
import SheenPlanner

/// A plan as the project page shows it: who fills each slot and why, what it costs a month, the steps, and a connect
/// form for each provider still missing a connection, made from its manifest's credential fields and hints.
struct DashboardPlan {
    let values: [String: Any]

    init(_ plan: Plan, catalog: Catalog, language: Language) {
        var totals: [CurrencyCode: Int64] = [:]
        for line in plan.costs {
            totals[line.pricing.monthlyFee.currency, default: 0] += line.pricing.monthlyFee.minorUnits
        }
        let steps = plan.nodes.filter { $0.action != nil }
        values = [
            "assignments": plan.resolutions.flatMap { resolution in
                resolution.assignments.map { assignment -> [String: Any] in
                    [
                        "slot": resolution.slot, "provider": assignment.provider,
                        "reasons": assignment.reasons.map { $0(language) }.joined(separator: " · "),
                    ]
                }
            },
            "costs": plan.costs.map { line -> [String: Any] in
                let percent = line.pricing.percentPerTransaction.map { String(format: "%.2f%%", $0) }
                let fixed = line.pricing.fixedPerTransaction?.description
                return [
                    "provider": line.provider, "monthly": line.pricing.monthlyFee.description,
                    "perTransaction": [percent, fixed].compactMap { $0 }.joined(separator: " + "),
                ]
            },
            "totals": totals.sorted { $0.key.rawValue < $1.key.rawValue }.map {
                Money(minorUnits: $0.value, currency: $0.key).description
            },
            "stepCount": steps.count,
            "steps": steps.map { node -> [String: Any] in
                [
                    "title": node.title?(language) ?? node.id, "action": node.action?.rawValue ?? "",
                    "reason": node.reason?.rawValue ?? "",
                ]
            },
            "forms": plan.missingConnections.compactMap { missing -> [String: Any]? in
                guard let manifest = catalog.providers[missing.provider] else { return nil }
                return [
                    "provider": manifest.id, "name": manifest.name(language),
                    "fields": manifest.auth.credentials.map { field -> [String: Any] in
                        var values: [String: Any] = [
                            "field": field.name, "label": field.label(language), "optional": field.optional,
                            "type": field.secret ? "password" : "text",
                        ]
                        if let hint = field.hint { values["hint"] = hint(language) }
                        return values
                    },
                ]
            },
        ]
    }
}
