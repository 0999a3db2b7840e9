import ArgumentParser
import Foundation
import SheenEngine
import SheenModel
import SheenPlanner
import SheenStore

struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Apply a plan: run its steps, journaled, rate-limited and resumable.",
        discussion: """
            Plans against the recorded state (or takes a saved plan), asks for confirmation, and runs the steps. Every
            step is journaled in flight before its call and done after it, so a crash or Ctrl-C loses nothing: run \
            'sheen resume' and steps that already happened at the provider are recognised, not repeated.

            Examples:
              sheen apply                                   apply ./sheen.yaml to dev
              sheen apply --plan plan.json --auto-approve   apply a saved plan, if the state has not changed since
              sheen apply --dag dag.json --parallelism 50   run a neutral DAG of sheen.data steps
              sheen apply --json --auto-approve             stream typed events as JSON Lines
            """
    )

    @OptionGroup var input: PlanInputOptions

    @Option(name: .long, help: ArgumentHelp("Apply this saved plan (from 'sheen plan --out').", valueName: "file"))
    var plan: String?

    @OptionGroup var engine: EngineOptions

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        try input.validate(language: global.language)
        try engine.validate(language: global.language)
        if plan != nil, input.dag != nil || input.recipe != nil || input.project != nil {
            throw ValidationError(
                global.language == .en ? "--plan already says what to apply" : "‎--plan يحدد ما سيُطبَّق")
        }
    }

    func run() async throws {
        try await ApplyFlow(input: input, engine: engine, global: global, savedPlan: plan).run()
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

/// The shared body of `apply` and `resume`.
struct ApplyFlow {
    let input: PlanInputOptions
    let engine: EngineOptions
    let global: GlobalOptions
    let savedPlan: String?

    func run() async throws {
        let language = global.language
        let en = language == .en
        let store = try engine.openStore(language: language)
        var catalog: Catalog?
        let scope: StoreScope
        var saved: Plan?
        if let savedPlan {
            do {
                saved = try SavedPlan.load(contentsOf: savedPlan).plan
            } catch {
                Console.error((en ? "error: " : "خطأ: ") + error.message(in: language))
                throw ExitCode(ExitStatus.invalidInput)
            }
            scope = StoreScope(project: saved?.projectName ?? "", environment: saved?.environment ?? .dev)
        } else {
            scope = try input.scope(global: global)
        }
        let report: ExecutionReport? = try await withApplyLock(store: store, scope: scope, language: language) {
            let snapshot = try await store.snapshot(scope)
            let plan: Plan
            if let saved {
                guard saved.stateFingerprint == snapshot.fingerprint else {
                    Console.error(
                        en
                            ? "error: the state of '\(scope)' changed since this plan was made\nhint: run 'sheen plan --out' again and review the new plan"
                            : "خطأ: تغيّرت حالة '\(scope)' منذ إعداد هذه الخطة\nتلميح: شغّل 'sheen plan --out' مجددًا وراجع الخطة الجديدة"
                    )
                    throw ExitCode(ExitStatus.invalidInput)
                }
                plan = saved
            } else {
                (plan, catalog) = try input.makePlan(global: global, state: snapshot)
            }
            let inFlight = snapshot.states.values.count { $0.status == .inFlight }
            if !global.json {
                Console.out(PlanTextRenderer(language: language).counts(plan))
                if inFlight > 0 {
                    Console.out(
                        en
                            ? "\(inFlight) steps were left in flight by an interrupted run; they are checked at the provider before anything is sent again"
                            : "\(inFlight) خطوة بقيت قيد التنفيذ من تشغيل منقطع؛ سيُتحقق منها لدى المزوّد قبل أي إرسال")
                }
            }
            guard plan.hasChanges else {
                if !global.json { Console.out(en ? "no changes: nothing to do" : "لا تغييرات: لا شيء للتنفيذ") }
                if global.json { Console.out(ProgressReporter.json(.finished(ExecutionReport())).compact) }
                return nil
            }
            guard
                try engine.confirm(
                    en ? "apply these changes to '\(scope)'?" : "تطبيق هذه التغييرات على '\(scope)'؟",
                    language: language)
            else {
                Console.out(en ? "cancelled: nothing was changed" : "أُلغي: لم يتغير شيء")
                return nil
            }
            let reporter = ProgressReporter(mode: ProgressReporter.mode(json: global.json), language: language)
            let executor = engine.executor(
                store: store, catalog: catalog, environment: scope.environment, reporter: reporter)
            return try await interruptible { try await executor.apply(plan, scope: scope) }
        }
        if let report, !report.ok { throw ExitCode(ExitStatus.invalidInput) }
    }
}
