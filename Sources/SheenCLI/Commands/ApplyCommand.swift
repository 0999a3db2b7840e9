import ArgumentParser
import Foundation
import SheenApplication
import SheenEngine
import SheenModel
import SheenPlanner
import SheenStore

struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Apply a plan: run its steps, journaled, rate-limited and resumable.",
        discussion: """
            Plans against the recorded state (or takes a saved plan), asks for confirmation, and runs the steps. Every \
            step is journaled in flight before its call and done after it, so a crash or Ctrl-C loses nothing: run \
            'sheen resume' and steps that already happened at the provider are recognised, not repeated.

            Examples:
              sheen apply
                  apply ./sheen.yaml to dev
              sheen apply --plan plan.json --auto-approve
                  apply a saved plan, if the state has not changed since
              sheen apply --dag dag.json --parallelism 50
                  run a neutral DAG of sheen.data steps
              sheen apply --json --auto-approve
                  stream typed events as JSON Lines
              sheen apply --store postgres://sheen@db:5432/sheen --enqueue --follow
                  hand the plan to 'sheen worker' processes sharing that database, and watch them run it
            """
    )

    @OptionGroup var input: PlanInputOptions

    @Option(name: .long, help: ArgumentHelp("Apply this saved plan (from 'sheen plan --out').", valueName: "file"))
    var plan: String?

    @Flag(
        name: .long,
        help: "Queue the plan for 'sheen worker's sharing the --store database instead of running it here.")
    var enqueue = false

    @Flag(name: .long, help: "With --enqueue: print each step as the workers finish it, until the run ends.")
    var follow = false

    @OptionGroup var engine: EngineOptions

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        try input.validate(language: global.language)
        try engine.validate(language: global.language)
        if follow, !enqueue { throw ValidationError(CLIMessage.followWithoutEnqueue(global.language)) }
        if enqueue, case .file = try storeLocation(engine.store, language: global.language) {
            let error = ApplicationError.noWorkQueue
            throw ValidationError(error.message(in: global.language) + "; " + (error.hint(in: global.language) ?? ""))
        }
        if plan != nil, input.dag != nil || input.recipe != nil || input.project != nil {
            throw ValidationError(
                CLIMessage.planWithInputs(global.language))
        }
    }

    func run() async throws {
        let flow = ApplyFlow(input: input, engine: engine, global: global, savedPlan: plan)
        if enqueue { try await flow.enqueue(follow: follow) } else { try await flow.run() }
    }
}

struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Finish an interrupted apply: reconcile steps left in flight, then run what remains.",
        discussion: """
            Takes the same inputs as 'sheen apply' and never asks. Steps found in flight are first looked up at the \
            provider (by idempotency key or reference); only those that did not happen are sent again.

            Example: sheen resume --dag dag.json
            """
    )

    @OptionGroup var input: PlanInputOptions
    @OptionGroup var engine: EngineOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        try input.validate(language: global.language)
        try engine.validate(language: global.language)
    }

    func run() async throws {
        var engine = engine
        engine.autoApprove = true
        try await ApplyFlow(input: input, engine: engine, global: global, savedPlan: nil).run()
    }
}

/// The shared body of `apply` and `resume`: parse, call ``ApplyService``, render.
struct ApplyFlow {
    let input: PlanInputOptions
    let engine: EngineOptions
    let global: GlobalOptions
    let savedPlan: String?

    func run() async throws {
        let language = global.language
        let opened = try await engine.open(language: language)
        let store = opened.state
        let (source, catalog) = try savedPlan.map { try savedSource($0) } ?? input.source(global: global)
        var settings = engine.settings
        settings.projectDirectory = input.dag == nil ? input.projectDirectory : nil
        let connections = ConnectionService.deferred(store: store, catalog: catalog)
        let events = opened.events
        let service = ApplyService(
            store: store, catalog: catalog, settings: settings, connections: connections, events: events)
        let reporter = ProgressReporter(mode: ProgressReporter.mode(json: global.json), language: language)
        let json = global.json
        let engine = engine
        let outcome = try await reportingApplicationErrors(language: language) {
            try await interruptible {
                try await service.apply(
                    source,
                    confirm: { confirmation in
                        if !json {
                            Console.out(PlanTextRenderer(language: language).counts(confirmation.plan))
                            if confirmation.inFlight > 0 {
                                Console.out(CLIMessage.inFlightNotice(confirmation.inFlight)(language))
                            }
                        }
                        return try engine.confirm(
                            CLIMessage.confirmApply(scope: "\(source.scope)")(language), language: language)
                    }, events: { reporter.handle($0) })
            }
        }
        switch outcome {
        case .noChanges(let plan):
            if json {
                Console.out(ProgressReporter.json(.finished(ExecutionReport())).compact)
            } else {
                Console.out(PlanTextRenderer(language: language).counts(plan))
                Console.out(CLIMessage.noChanges(language))
            }
        case .declined:
            Console.out(CLIMessage.cancelled(language))
        case .ran(let report):
            // Steps are checklist evidence: the conditions are re-judged now, and the tally printed.
            if case .request = source {
                let checklist = ChecklistService(
                    store: store, events: events, catalog: catalog, connections: connections)
                if let judged = try? await checklist.evaluate(source, projectDirectory: input.projectDirectory),
                    !json, !judged.conditions.isEmpty
                {
                    Console.out(
                        CLIMessage.checklistTally(
                            judged.conditions.count(where: \.isGreen), judged.conditions.count)(language))
                }
            }
            if !report.ok { throw ExitCode(ExitStatus.invalidInput) }
        }
    }

    /// A saved plan, and the catalog whose manifests give its providers' rate limits (none for a plan of a DAG).
    func savedSource(_ path: String) throws -> (PlanSource, Catalog) {
        let plan: Plan
        do {
            plan = try SavedPlan.load(contentsOf: path).plan
        } catch {
            throw Console.failure(error.message(in: global.language), language: global.language)
        }
        let catalog = plan.recipe == nil ? Catalog() : try CatalogSession(options: global).catalog
        return (.saved(plan), catalog)
    }
}
