import ArgumentParser
import Foundation
import SheenApplication
import SheenEngine
import SheenModel
import SheenPlanner
import SheenServer
import SheenSimulator
import SheenStore
import SheenWebhooks

struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Launch a recipe in one command and watch its activation checklist turn green.",
        discussion: """
            With --sandbox nothing is needed but this machine: the provider simulators, the webhook receiver, \
            sandbox connections with test keys, and local stand-ins for what the checklist probes (DNS for the \
            domain, HTTPS with a certificate from a sandbox CA, a starter Arabic page with a real Arabic font) all \
            run inside this process. The plan is applied as 'sheen apply' would, and the checklist is judged by the \
            same evidence as in production: nothing turns green by decree. Running it again changes nothing.

            Without --sandbox the same launch runs against your real connections ('sheen connect').

            Exit codes: 0 every checklist item is green, 1 not (the summary says what blocks), 2 usage error, \
            3 the project or catalog cannot be read.

            Examples:
              sheen up arabic-ecommerce --sandbox
              sheen up service-business-mena --market AE --sandbox --lang ar
              sheen up --env prod                      # ./sheen.yaml, real providers
            """)

    @Argument(help: ArgumentHelp("A shipped recipe (default: ./sheen.yaml's).", valueName: "recipe"))
    var recipeArgument: String?

    @OptionGroup var input: PlanInputOptions

    @Flag(name: .long, help: "Run everything against local simulators and stand-ins; nothing to sign up for.")
    var sandbox = false

    @OptionGroup var stateFile: StateFileOption

    @Option(
        name: .long,
        help: ArgumentHelp(
            "First simulator port with --sandbox; each simulator takes the next.", valueName: "port"))
    var portBase = Sandbox.defaultPortBase

    @Option(
        name: .long,
        help: ArgumentHelp("Seconds to wait for the checklist to turn green after the apply.", valueName: "seconds"))
    var timeout = 60

    @Option(name: .long, help: ArgumentHelp("An Arabic font file for the sandbox's starter page.", valueName: "path"))
    var font: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Where the sandbox's webhook receiver listens on loopback.", valueName: "port"))
    var receiverPort = 8080

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A JSON fault plan for the simulators, as 'sheen sandbox serve --faults' takes (rejections, rateLimited…).",
            valueName: "file"))
    var faults: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if recipeArgument != nil, input.recipe != nil || input.project != nil || input.dag != nil {
            throw ValidationError(CLIMessage.recipeAndProject(global.language))
        }
        if input.dag != nil { throw ValidationError(CLIMessage.upNeedsRecipe(global.language)) }
        guard (1...3600).contains(timeout) else { throw ValidationError(CLIMessage.intervalRange(global.language)) }
        if recipeArgument == nil, input.recipe == nil, !input.market.isEmpty {
            throw ValidationError(CLIMessage.marketWithoutRecipe(global.language))
        }
    }

    func run() async throws {
        let language = global.language
        var input = input
        if let recipeArgument { input.recipe = recipeArgument }
        var faultPlan = FaultPlan()
        if let faults {
            guard let data = FileManager.default.contents(atPath: faults),
                let decoded = try? JSONDecoder().decode(FaultPlan.self, from: data)
            else { throw ValidationError(CLIMessage.badFaultPlan(faults)(language)) }
            faultPlan = decoded
        }
        let (source, catalog, opened) = try await stateFile.open(input, global: global)
        let store = opened.state
        guard case .request(let request) = source else {
            throw ValidationError(CLIMessage.upNeedsRecipe(language))
        }
        let events = opened.events
        let connections = ConnectionService.deferred(store: store, catalog: catalog)
        let service = LaunchWiring.upService(
            store: store, events: events, catalog: catalog, connections: connections,
            projectDirectory: input.projectDirectory)
        let options = UpService.Options(
            sandbox: sandbox,
            simulatorDirectory: (try storeLocation(stateFile.store, language: language).localDirectory as NSString)
                .appendingPathComponent("sandbox"), portBase: portBase, projectDirectory: input.projectDirectory,
            checklistTimeout: .seconds(timeout), fontPath: font, faults: faultPlan, receiverPort: receiverPort)
        let view = UpProgress(
            reporter: ProgressReporter(mode: ProgressReporter.mode(json: global.json), language: language),
            language: language, json: global.json)
        let summary: UpService.Summary
        do {
            summary = try await reportingApplicationErrors(language: language) {
                try await interruptible {
                    try await service.run(request, options: options, progress: { view.show($0) })
                }
            }
        } catch let error as Sandbox.StartError {
            throw Console.failure(CLIMessage.sandboxFailed(error)(language), language: language)
        } catch let error as ExitCode {
            throw error
        } catch {
            // A stand-in that could not start (no Arabic font, a port taken): said plainly, exit 1.
            throw Console.failure("\(error)", language: language)
        }
        if global.json {
            try Console.json(UpJSON(summary))
        } else {
            Console.out(UpText.summary(summary, sandbox: sandbox, language: language))
        }
        if !summary.checklist.ready { throw ExitCode(ExitStatus.invalidInput) }
    }
}
