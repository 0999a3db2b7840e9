import SheenModel

/// Stable JSON shapes for `sheen recipes`.
enum RecipeJSON {
    struct List: Encodable {
        let formatVersion = 1
        let recipes: [Summary]

        enum CodingKeys: String, CodingKey {
            case formatVersion = "format_version"
            case recipes
        }
    }

    struct Summary: Encodable {
        let id: String
        let name: LocalizedText
        let description: LocalizedText
        let markets: [String]
        let slots: [String]
        let checklist: String

        init(_ recipe: Recipe) {
            id = recipe.id
            name = recipe.name
            description = recipe.description
            markets = recipe.markets.map(\.rawValue)
            slots = recipe.slots.map(\.name)
            checklist = recipe.checklist.id
        }
    }

    struct Detail: Encodable {
        struct Slot: Encodable {
            let name: String
            let capabilities: [String]
            let optional: Bool
            let perMarket: Bool
            let residency: Bool
            let prefer: [String]
            let paymentMethods: [String]
            let candidates: [String]

            enum CodingKeys: String, CodingKey {
                case name, capabilities, optional, residency, prefer, candidates
                case perMarket = "per_market"
                case paymentMethods = "payment_methods"
            }
        }

        struct Template: Encodable {
            let name: String
            let channel: String
            let category: String?
            let languages: [String]
        }

        let formatVersion = 1
        let recipe: Summary
        let slots: [Slot]
        let steps: [ProviderJSON.Detail.Step]
        let templates: [Template]

        init(_ recipe: Recipe, catalog: Catalog) {
            self.recipe = Summary(recipe)
            slots = recipe.slots.map { slot in
                Slot(
                    name: slot.name, capabilities: slot.capabilities.map(\.rawValue), optional: slot.optional,
                    perMarket: slot.perMarket, residency: slot.residency, prefer: slot.prefer.map(\.id),
                    paymentMethods: slot.paymentMethods,
                    candidates: RecipeText.candidates(for: slot, in: catalog).map(\.id))
            }
            steps = recipe.steps.map {
                .init(id: $0.id, kind: $0.kind, dependsOn: $0.dependsOn.map(\.id), evidences: $0.evidences.map(\.id))
            }
            templates = recipe.templates.map {
                Template(
                    name: $0.name, channel: $0.channel.rawValue, category: $0.category?.rawValue,
                    languages: $0.variants.map(\.language))
            }
        }

        enum CodingKeys: String, CodingKey {
            case formatVersion = "format_version"
            case recipe, slots, steps, templates
        }
    }
}
