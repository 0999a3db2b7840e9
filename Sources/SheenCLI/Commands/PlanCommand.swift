import ArgumentParser
import Foundation
import SheenModel
import SheenPlanner

struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what applying a recipe would do: providers and why, steps in order, checklist, cost, limits.",
        discussion: """
            Planning touches nothing and needs no credentials.

            Examples:
              sheen plan
                  plan ./sheen.yaml for dev
              sheen plan --env prod --json
                  the versioned JSON (docs/plan-format.md)
              sheen plan --recipe arabic-ecommerce --market SA --market EG
                  plan a shipped recipe for some markets, without a project file
              sheen plan --out plan.json
                  save it; apply refuses it if the state changed since
              sheen plan --dag dag.json
                  plan a neutral DAG of sheen.data steps
              sheen plan --detailed-exitcode
                  exit 0 no changes, 2 changes, 1 error (as Terraform)
            """
    )

    @OptionGroup var input: PlanInputOptions

    @Option(name: .long, help: ArgumentHelp("Also write the plan as JSON to this file.", valueName: "file"))
    var out: String?

    @Option(name: [.customLong("store"), .customLong("state")], help: storeHelp)
    var store: String?

    @Flag(
        name: .long,
        help:
            "Exit 2 when the plan has changes, 0 when it has none (1 stays an error), as Terraform's -detailed-exitcode."
    )
    var detailedExitcode = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        try input.validate(language: global.language)
    }

    func run() async throws {
        let (plan, catalog) = try await input.makePlan(global: global, store: store)
        // Rendered only when asked for: on a 10,000-step graph the JSON costs more than the planning.
        let json = out != nil || global.json ? PlanJSONRenderer.render(plan) : ""
        if let out { try Console.write(json, to: out, language: global.language) }
        if global.json {
            FileHandle.standardOutput.write(Data(json.utf8))
        } else {
            FileHandle.standardOutput.write(
                Data(PlanTextRenderer(language: global.language, catalog: catalog).render(plan).utf8))
        }
        if detailedExitcode, plan.hasChanges { throw ExitCode(2) }
    }
}

struct GraphCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Print the plan's step graph as Graphviz DOT or a Mermaid flowchart.",
        discussion: """
            Takes the same inputs as 'sheen plan'.

            Examples:
              sheen graph | dot -Tsvg > plan.svg
              sheen graph --recipe global-saas --market AE --format mermaid
            """
    )

    @OptionGroup var input: PlanInputOptions

    @Option(name: .long, help: ArgumentHelp("dot or mermaid.", valueName: "format"))
    var format: GraphRenderer.Format = .dot

    @Option(name: [.customLong("store"), .customLong("state")], help: storeHelp)
    var store: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        try input.validate(language: global.language)
    }

    func run() async throws {
        let (plan, _) = try await input.makePlan(global: global, store: store)
        FileHandle.standardOutput.write(Data(GraphRenderer.render(plan, as: format).utf8))
    }
}

extension GraphRenderer.Format: ExpressibleByArgument {}
