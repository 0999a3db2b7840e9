import SheenModel

/// Human-readable views of recipes.
enum RecipeText {
    static func table(_ recipes: [Recipe], language: Language) -> String {
        let header = Label.recipesHeader.columns(language)
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
        var lines = ["\(recipe.name(language)) (\(recipe.id))", recipe.description(language), ""]
        lines.append("\(Label.markets(language)): " + recipe.markets.map(\.rawValue).joined(separator: ", "))
        lines.append("\(Label.slots(language)):")
        for slot in recipe.slots {
            var flags: [String] = []
            if slot.optional { flags.append(Label.optional(language)) }
            if slot.perMarket { flags.append(Label.perMarket(language)) }
            if slot.residency { flags.append(Label.residency(language)) }
            let title = slot.title.map { " — " + $0(language) } ?? ""
            let flagText = flags.isEmpty ? "" : " [" + flags.joined(separator: ", ") + "]"
            lines.append("  \(slot.name)\(title)\(flagText)")
            lines.append(
                "    \(Label.needs(language)): " + slot.capabilities.map(\.rawValue).joined(separator: ", "))
            let candidates = candidates(for: slot, in: catalog).map { provider in
                provider.status == .available ? provider.id : provider.id + " (\(Label.comingSoon(language)))"
            }
            lines.append("    \(Label.candidates(language)): " + candidates.joined(separator: ", "))
        }
        if !recipe.steps.isEmpty {
            lines.append("\(Label.steps(language)):")
            for step in recipe.steps {
                let dependencies =
                    step.dependsOn.isEmpty ? "" : " ← " + step.dependsOn.map(\.id).joined(separator: ", ")
                lines.append("  - \(step.id) (\(step.kind))\(dependencies)")
            }
        }
        if !recipe.templates.isEmpty {
            lines.append("\(Label.templates(language)):")
            for template in recipe.templates {
                let category = template.category.map { " \($0.rawValue)" } ?? ""
                lines.append(
                    "  - \(template.name) [\(template.channel.rawValue)\(category)] "
                        + template.variants.map(\.language).joined(separator: ", "))
            }
        }
        if let checklist = catalog.checklists[recipe.checklist.id] {
            lines.append("\(Label.checklist(language)): " + checklist.name(language))
            for item in checklist.items {
                lines.append("  [ ] " + item.title(language))
            }
        }
        return lines.joined(separator: "\n")
    }
}
