import ArgumentParser
import Foundation
import SheenApplication
import SheenEngine
import SheenModel
import SheenStore

struct DestroyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "destroy",
        abstract: "Delete everything Sheen created for a project and environment, in reverse order.",
        discussion: "Example: sheen destroy --env dev --auto-approve"
    )

    @OptionGroup var input: PlanInputOptions
    @OptionGroup var engine: EngineOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        try input.validate(language: global.language)
        try engine.validate(language: global.language)
    }

    func run() async throws {
        let language = global.language
        let store = try await engine.open(language: language).state
        let scope = try input.scope(global: global)
        // The catalog gives the adapters that delete what they made; without one (a neutral DAG's scope) only the
        // built-in runners are there, which is all such a scope has.
        let catalog = (try? CatalogSession(options: global).catalog) ?? Catalog()
        let service = ApplyService(
            store: store, catalog: catalog, settings: engine.settings,
            connections: .deferred(store: store, catalog: catalog))
        let reporter = ProgressReporter(mode: ProgressReporter.mode(json: global.json), language: language)
        let engine = engine
        let outcome = try await reportingApplicationErrors(language: language) {
            try await interruptible {
                try await service.destroy(
                    scope,
                    confirm: { count in
                        try engine.confirm(
                            CLIMessage.confirmDestroy(count: count, scope: "\(scope)")(language), language: language)
                    }, events: { reporter.handle($0) })
            }
        }
        switch outcome {
        case nil: Console.out(CLIMessage.nothingToDestroy("\(scope)")(language))
        case .declined: Console.out(CLIMessage.cancelled(language))
        case .noChanges: break
        case .ran(let report): if !report.ok { throw ExitCode(ExitStatus.invalidInput) }
        }
    }
}
