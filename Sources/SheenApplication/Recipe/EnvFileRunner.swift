import Foundation
import SheenEngine
import SheenModel
import SheenPlanner

/// The `recipe.env-file` step: writes `.env.<environment>` in the project directory with every variable the plan
/// promises the app, secrets included (the app needs them), created 0600 and kept out of git. The checklist's
/// "environment configured" item is evidenced by this step.
struct EnvFileRunner: StepRunner {
    let plan: Plan
    let bound: [Connection]
    let environment: AppEnvironment
    let store: any StateStore
    let directory: String

    var path: String { (directory as NSString).appendingPathComponent(".env.\(plan.environment.rawValue)") }

    func observe(_ context: StepContext) async throws -> StepResult? { nil }

    func create(_ context: StepContext) async throws -> StepResult {
        let scope = StoreScope(project: plan.projectName, environment: plan.environment)
        var outputs: [String: [String: String]] = [:]
        for state in try await store.steps(in: scope) { outputs[state.stepID] = state.outputs }
        let variables: [AppVariable]
        do {
            variables = try await environment.variables(of: plan, bound: bound, outputs: outputs, includeSecrets: true)
        } catch {
            throw StepFailure(.invalid, message: error.message.en + (error.hint.map { "; \($0.en)" } ?? ""))
        }
        let missing = variables.filter { $0.value == nil }.map(\.name)
        do {
            try AppEnvironment.write(AppEnvironment.render(variables, format: .dotenv), to: path, secret: true)
            try GitIgnore.ensure(".env.\(plan.environment.rawValue)", in: directory)
        } catch {
            throw StepFailure(.invalid, message: "cannot write '\(path)': \(error.localizedDescription)")
        }
        return StepResult(outputs: [
            "path": path, "variables": "\(variables.count)", "unset": missing.joined(separator: ","),
        ])
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {
        try? FileManager.default.removeItem(atPath: path)
    }
}

extension AppEnvironment {
    /// Writes `text` to `path` atomically; with `secret`, the file is created 0600 before any byte lands in it.
    public static func write(_ text: String, to path: String, secret: Bool) throws {
        let temporary = path + ".tmp-\(getpid())"
        guard
            FileManager.default.createFile(
                atPath: temporary, contents: nil, attributes: [.posixPermissions: secret ? 0o600 : 0o644])
        else { throw CocoaError(.fileWriteNoPermission) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
        guard rename(temporary, path) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }
}
