import ArgumentParser
import Foundation
import SheenApplication
import SheenCatalog
import SheenEngine
import SheenModel
import SheenPlanner
import SheenStore

/// What `plan` and `graph` plan: a project file, a recipe given on the command line, or a neutral DAG file.
struct PlanInputOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Plan this recipe directly, without a project file.", valueName: "recipe"))
    var recipe: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A market for --recipe; repeat for several (default: the recipe's markets).", valueName: "code"),
        transform: CodeArguments.market)
    var market: [CountryCode] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A currency for --recipe; repeat for several (default: each market's own).", valueName: "code"),
        transform: CodeArguments.currency)
    var currency: [CurrencyCode] = []

    @Option(name: .long, help: ArgumentHelp("Environment to plan: dev, staging or prod.", valueName: "env"))
    var env: DeploymentEnvironment = .dev

    @Option(name: .long, help: ArgumentHelp("Project file (default: ./sheen.yaml).", valueName: "path"))
    var project: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Plan a neutral DAG file ({\"nodes\":[{\"id\":…,\"deps\":[…]}]}) of sheen.data steps.", valueName: "file"))
    var dag: String?

    func validate(language: Language) throws {
        if dag != nil, recipe != nil || project != nil {
            throw ValidationError(CLIMessage.dagWithRecipeOrProject(language))
        }
        if recipe != nil, project != nil {
            throw ValidationError(CLIMessage.recipeAndProject(language))
        }
        if recipe == nil, !market.isEmpty || !currency.isEmpty {
            throw ValidationError(CLIMessage.marketWithoutRecipe(language))
        }
    }

    /// Builds the plan against the store `storeOption` names (a file not there yet: empty state, and planning never
    /// creates one), with the project's connections bound, or exits with the problem explained.
    func makePlan(global: GlobalOptions, store storeOption: String?) async throws -> (Plan, Catalog?) {
        var (source, catalog) = try source(global: global)
        var state: any StateSnapshot = InMemoryStateSnapshot()
        if try storeLocation(storeOption, language: global.language).mayHoldState {
            let store = try await openStore(storeOption, language: global.language).state
            state = try await store.snapshot(try scope(global: global))
            let service = ConnectionService.deferred(store: store, catalog: catalog)
            let unbound = source
            source = try await reportingConnectionErrors(language: global.language) {
                try await service.bind(unbound).0
            }
        }
        do {
            let plan = try source.plan(catalog: catalog, state: state)
            return (plan, plan.recipe == nil ? nil : catalog)
        } catch {
            throw Console.failure(error.message(in: global.language), language: global.language)
        }
    }

    /// The directory of the project file (the current one for `--recipe`), where the app's env file goes.
    var projectDirectory: String {
        guard let project else { return FileManager.default.currentDirectoryPath }
        let directory = (project as NSString).deletingLastPathComponent
        return directory.isEmpty ? FileManager.default.currentDirectoryPath : directory
    }

    /// Whether this input means one scope: it names one, or there is a project file here. Otherwise `state` works
    /// over every recorded scope.
    var selectsOneScope: Bool {
        recipe != nil || project != nil || dag != nil || FileManager.default.fileExists(atPath: "sheen.yaml")
    }

    /// What this input names, for planning and the apply use case, with the catalog whose manifests give rate
    /// limits (empty for a neutral DAG); a problem exits with it explained.
    func source(global: GlobalOptions) throws -> (PlanSource, Catalog) {
        let language = global.language
        if let dag {
            guard FileManager.default.fileExists(atPath: dag) else {
                throw ValidationError(CLIMessage.noSuchFile(dag)(language))
            }
            do {
                return (.dag(try NeutralDAG.load(contentsOf: dag), env), Catalog())
            } catch {
                throw Console.failure(error.message(in: language), language: language)
            }
        }
        let session = try CatalogSession(options: global)
        return (.request(try request(session: session, language: language)), session.catalog)
    }

    /// The journal this input applies to: the project (or recipe, or DAG file) name and the environment, found without
    /// planning so `state` and `destroy` work even when the catalog has changed since.
    func scope(global: GlobalOptions) throws -> StoreScope {
        if let dag {
            return StoreScope(
                project: ((dag as NSString).lastPathComponent as NSString).deletingPathExtension, environment: env)
        }
        if let recipe { return StoreScope(project: recipe, environment: env) }
        let path = try projectPath(language: global.language)
        guard let project = CatalogLoader().decodeProject(at: path).project else {
            throw ValidationError(CLIMessage.projectFileHasErrors(path)(global.language))
        }
        return StoreScope(project: project.name, environment: env)
    }

    /// The project file to use, or a usage error that says how to get one.
    private func projectPath(language: Language) throws -> String {
        let path = project ?? "sheen.yaml"
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError(CLIMessage.noProjectFile(path)(language))
        }
        return path
    }

    private func request(session: CatalogSession, language: Language) throws -> PlanRequest {
        if let recipeID = recipe {
            let recipe = try session.recipe(recipeID, language: language)
            let markets = market.isEmpty ? recipe.markets : market
            let currencies = currency
            return PlanRequest(
                projectName: recipe.id, recipe: recipe, markets: markets, currencies: currencies, environment: env)
        }
        let path = try projectPath(language: language)
        let result = CatalogLoader().load(paths: [path], over: session.catalog)
        for diagnostic in result.diagnostics { Console.error(diagnostic.rendered(in: language)) }
        guard !result.diagnostics.hasErrors, let project = result.projects.first,
            let request = PlanRequest(project: project, environment: env, catalog: session.catalog)
        else { throw ExitCode(ExitStatus.invalidInput) }
        return request
    }
}
