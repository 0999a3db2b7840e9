import ArgumentParser
import SheenCatalog
import SheenModel

struct RecipesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recipes",
        abstract: "List the recipes in the catalog, or show one.",
        subcommands: [List.self, Show.self],
        defaultSubcommand: List.self
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List recipes.", discussion: "Example: sheen recipes --lang ar")

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let session = try CatalogSession(options: global)
            let recipes = session.catalog.sortedRecipes
            if global.json {
                try Console.json(RecipeJSON.List(recipes: recipes.map(RecipeJSON.Summary.init)))
            } else {
                Console.out(RecipeText.table(recipes, language: global.language))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a recipe: its slots and candidate providers, steps, templates and checklist.",
            discussion: "Example: sheen recipes show arabic-ecommerce"
        )

        @Argument(help: ArgumentHelp("The recipe id, e.g. arabic-ecommerce.", valueName: "id"))
        var id: String

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let session = try CatalogSession(options: global)
            let recipe = try session.recipe(id, language: global.language)
            if global.json {
                try Console.json(RecipeJSON.Detail(recipe, catalog: session.catalog))
            } else {
                Console.out(RecipeText.detail(recipe, catalog: session.catalog, language: global.language))
            }
        }
    }
}
