import ArgumentParser
import Foundation
import SheenApplication
import SheenCatalog
import SheenModel

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented sheen.yaml for a recipe in the current directory.",
        discussion: """
            Examples:
              sheen init arabic-ecommerce --market SA --market KW
              sheen init global-saas --name acme --env dev --env staging --env prod
            """
    )

    @Argument(help: ArgumentHelp("The recipe to start from (see 'sheen recipes').", valueName: "recipe"))
    var recipe: String

    @Option(name: .long, help: ArgumentHelp("Project name (default: the directory's name).", valueName: "name"))
    var name: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A market to launch in; repeat for several (default: the recipe's markets).", valueName: "code"),
        transform: CodeArguments.market)
    var market: [CountryCode] = []

    @Option(
        name: .long,
        help: ArgumentHelp("An environment to plan for; repeat for several (default: dev and prod).", valueName: "env"))
    var env: [DeploymentEnvironment] = []

    @Option(name: .long, help: ArgumentHelp("Where to write the file.", valueName: "path"))
    var output = "sheen.yaml"

    @Flag(name: .long, help: "Overwrite an existing file.")
    var force = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let name, !ProjectFileWriter.isValidName(name) {
            throw ValidationError(
                CLIMessage.invalidProjectName(name)(global.language))
        }
    }

    func run() throws {
        let session = try CatalogSession(options: global)
        let recipe = try session.recipe(recipe, language: global.language)
        if FileManager.default.fileExists(atPath: output), !force {
            throw ValidationError(
                CLIMessage.fileExists(output)(global.language))
        }
        let markets = market.isEmpty ? recipe.markets : market
        let directoryName = (FileManager.default.currentDirectoryPath as NSString).lastPathComponent
        let writer = ProjectFileWriter(
            recipe: recipe, catalog: session.catalog, name: name ?? ProjectFileWriter.sanitizedName(directoryName),
            markets: markets, environments: env.isEmpty ? [.dev, .prod] : env)
        try Console.write(writer.render(), to: output, language: global.language)
        let directory = (output as NSString).deletingLastPathComponent
        if (try? GitIgnore.ensure(in: directory.isEmpty ? "." : directory)) == true {
            Console.out(CLIMessage.gitignored(GitIgnore.stateEntry)(global.language))
        }
        Console.out(
            CLIMessage.wroteProject(file: output, recipe: recipe.name, id: recipe.id)(global.language))
    }
}

extension DeploymentEnvironment: ExpressibleByArgument {}
