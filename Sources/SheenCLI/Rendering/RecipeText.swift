import SheenModel

/// Human-readable views of recipes.
enum RecipeText {
    static func table(_ recipes: [Recipe], language: Language) -> String {
        let header = language == .en ? ["ID", "NAME", "MARKETS", "SLOTS"] : ["المعرّف", "الاسم", "الأسواق", "الخانات"]
        let rows = recipes.map { recipe in
            [
                recipe.id, recipe.name(language), recipe.markets.map(\.rawValue).joined(separator: ","),
                recipe.slots.map(\.name).joined(separator: ", "),
            ]
        }
        return TextTable(header: header, rows: rows).rendered
    }

    /// Providers that offer every capability of `slot`, available ones first in the recipe's order of preference.
    static func candidates(for slot: Recipe.Slot, in catalog: Catalog) -> [ProviderManifest] {
        let preference = slot.prefer.map(\.id)
        return catalog.sortedProviders
            .filter { provider in slot.capabilities.allSatisfy(provider.capabilities.contains) }
            .sorted { lhs, rhs in
                let left = (
                    lhs.status == .available ? 0 : 1, preference.firstIndex(of: lhs.id) ?? preference.count, lhs.id
                )
                let right = (
                    rhs.status == .available ? 0 : 1, preference.firstIndex(of: rhs.id) ?? preference.count, rhs.id
                )
                return left < right
            }
    }

    static func detail(_ recipe: Recipe, catalog: Catalog, language: Language) -> String {
        let en = language == .en
        var lines = ["\(recipe.name(language)) (\(recipe.id))", recipe.description(language), ""]
        lines.append((en ? "markets: " : "الأسواق: ") + recipe.markets.map(\.rawValue).joined(separator: ", "))
        lines.append(en ? "slots:" : "الخانات:")
        for slot in recipe.slots {
            var flags: [String] = []
            if slot.optional { flags.append(en ? "optional" : "اختياري") }
            if slot.perMarket { flags.append(en ? "per market" : "لكل سوق") }
            if slot.residency { flags.append(en ? "residency" : "إقامة البيانات") }
            let title = slot.title.map { " — " + $0(language) } ?? ""
            let flagText = flags.isEmpty ? "" : " [" + flags.joined(separator: ", ") + "]"
            lines.append("  \(slot.name)\(title)\(flagText)")
            lines.append(
                "    " + (en ? "needs: " : "يحتاج: ") + slot.capabilities.map(\.rawValue).joined(separator: ", "))
            let candidates = candidates(for: slot, in: catalog).map { provider in
                provider.status == .available ? provider.id : provider.id + (en ? " (coming soon)" : " (قريبًا)")
            }
            lines.append("    " + (en ? "candidates: " : "المرشحون: ") + candidates.joined(separator: ", "))
        }
        if !recipe.steps.isEmpty {
            lines.append(en ? "steps:" : "الخطوات:")
            for step in recipe.steps {
                let dependencies =
                    step.dependsOn.isEmpty ? "" : " ← " + step.dependsOn.map(\.id).joined(separator: ", ")
                lines.append("  - \(step.id) (\(step.kind))\(dependencies)")
            }
        }
        if !recipe.templates.isEmpty {
            lines.append(en ? "message templates:" : "قوالب الرسائل:")
            for template in recipe.templates {
                let category = template.category.map { " \($0.rawValue)" } ?? ""
                lines.append(
                    "  - \(template.name) [\(template.channel.rawValue)\(category)] "
                        + template.variants.map(\.language).joined(separator: ", "))
            }
        }
        if let checklist = catalog.checklists[recipe.checklist.id] {
            lines.append((en ? "checklist: " : "قائمة التفعيل: ") + checklist.name(language))
            for item in checklist.items {
                lines.append("  [ ] " + item.title(language))
            }
        }
        return lines.joined(separator: "\n")
    }
}
