import ArgumentParser
import Foundation

/// The `sheen` root command.
public struct SheenCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "sheen",
        abstract: "Launch MENA-first SaaS stacks from recipes: plan, provision and activate providers.",
        discussion: """
            Sheen reads a recipe (a stack such as "Arabic E-commerce"), picks the providers that fit your markets, \
            currencies and data residency, and provisions them step by step until the activation checklist is green.

            Start here:
              sheen up arabic-ecommerce --sandbox
                  launch a recipe on this machine and watch its checklist turn green
              sheen recipes
                  list the shipped recipes
              sheen init arabic-ecommerce
                  write a commented sheen.yaml for a recipe
              sheen providers --market SA
                  providers that serve Saudi Arabia
              sheen validate
                  check the catalog (or your own manifests) for mistakes
              sheen plan --recipe arabic-ecommerce --market SA --market EG
                  a dry-run plan: providers and why, steps, checklist, cost

            Every command takes --json for machine-readable output and --lang ar for \
            Arabic. Exit codes: 0 success, 1 invalid input (the messages say where and \
            how to fix it) or not ready, 2 usage error, 3 (up, checklist, preflight) input \
            that cannot be read.
            """,
        subcommands: [
            UpCommand.self, PlanCommand.self, ApplyCommand.self, ResumeCommand.self, DestroyCommand.self,
            StateCommand.self,
            GraphCommand.self, ValidateCommand.self, ProvidersCommand.self, RecipesCommand.self, InitCommand.self,
            ConnectCommand.self, ConnectionsCommand.self, KeysCommand.self, EnvCommand.self, WebhooksCommand.self,
            ServeCommand.self, EventsCommand.self, SandboxCommand.self, ChecklistCommand.self, PreflightCommand.self,
            WorkerCommand.self, TokensCommand.self, AuditCommand.self,
        ]
    )

    public init() {}

    /// Runs the command line, mapping argument errors to exit code 2 as the Sheen contract (and Terraform) do,
    /// rather than ArgumentParser's 64.
    public static func run(arguments: [String]? = nil) async -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((message + "\n").utf8))
                return ExitStatus.usage
            }
            if !message.isEmpty {
                let stream = code == .success ? FileHandle.standardOutput : FileHandle.standardError
                stream.write(Data((message + "\n").utf8))
            }
            return code.rawValue
        }
    }
}

/// The process exit codes Sheen promises.
public enum ExitStatus {
    public static let success: Int32 = 0
    /// Input was read but is invalid: the diagnostics say where.
    public static let invalidInput: Int32 = 1
    /// The command line itself is wrong.
    public static let usage: Int32 = 2
    /// The input cannot be read at all (`checklist`, `preflight`): a project or catalog with errors.
    public static let unreadableInput: Int32 = 3
}
