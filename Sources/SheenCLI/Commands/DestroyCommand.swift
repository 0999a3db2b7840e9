import ArgumentParser
import Foundation
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
        let en = language == .en
        let store = try engine.openStore(language: language)
        let scope = try input.scope(global: global)
        let report: ExecutionReport? = try await withApplyLock(store: store, scope: scope, language: language) {
            let count = try await store.steps(in: scope).count
            guard count > 0 else {
                Console.out(en ? "nothing recorded for '\(scope)': nothing to destroy" : "لا شيء مسجل لـ '\(scope)'")
                return nil
            }
            guard
                try engine.confirm(
                    en
                        ? "delete the \(count) resources recorded for '\(scope)'?"
                        : "حذف \(count) من الموارد المسجلة لـ '\(scope)'؟", language: language)
            else {
                return nil
            }
            let reporter = ProgressReporter(mode: ProgressReporter.mode(json: global.json), language: language)
            let executor = engine.executor(
                store: store, catalog: nil, environment: scope.environment, reporter: reporter)
            return try await interruptible { try await executor.destroy(scope: scope) }
        }
        if let report, !report.ok { throw ExitCode(ExitStatus.invalidInput) }
    }
}
