import ArgumentParser
import Foundation
import SheenApplication
import SheenEngine
import SheenModel
import SheenStore

extension AppEnvironment.Format: ExpressibleByArgument {}

struct EnvCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "env",
        abstract: "The variables the recipe promises your app: export them, or write .env.example.",
        subcommands: [Export.self, Example.self], defaultSubcommand: Export.self)

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print or write the app's variables; secret values only with --include-secrets.",
            discussion: """
                Names come from the providers' manifests (TAP_PUBLIC_KEY, AWS_REGION, WEBHOOK_URL, …); a connection \
                other than 'default' adds its alias (TAP_SECRET_KEY_SA_ENTITY).

                Examples:
                  sheen env export --env dev
                  sheen env export --env prod --format json --out env.json
                  sheen env export --env dev --include-secrets --out .env.local
                """)

        @OptionGroup var source: EnvSourceOptions

        @Option(name: .long, help: ArgumentHelp("dotenv, json or shell (default: dotenv).", valueName: "format"))
        var format: AppEnvironment.Format = .dotenv

        @Option(name: .long, help: ArgumentHelp("Write to this file instead of printing.", valueName: "file"))
        var out: String?

        @Flag(name: .long, help: "Include secret values (the file is then written 0600).")
        var includeSecrets = false

        @OptionGroup var global: GlobalOptions

        func validate() throws { try source.input.validate(language: global.language) }

        func run() async throws {
            let variables = try await source.variables(global: global, includeSecrets: includeSecrets)
            let text = AppEnvironment.render(variables, format: format)
            try EnvCommand.emit(text, to: out, secret: includeSecrets, language: global.language)
        }
    }

    struct Example: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write .env.example: every variable's name and where it comes from, no values.")

        @OptionGroup var source: EnvSourceOptions

        @Option(name: .long, help: ArgumentHelp("File to write (default: .env.example).", valueName: "file"))
        var out = ".env.example"

        @OptionGroup var global: GlobalOptions

        func validate() throws { try source.input.validate(language: global.language) }

        func run() async throws {
            let variables = try await source.variables(global: global, includeSecrets: false)
            try EnvCommand.emit(AppEnvironment.example(variables), to: out, secret: false, language: global.language)
        }
    }

    static func emit(_ text: String, to path: String?, secret: Bool, language: Language) throws {
        guard let path else {
            Console.out(text)
            return
        }
        do {
            try AppEnvironment.write(text, to: path, secret: secret)
        } catch {
            throw ValidationError(CLIMessage.cannotWrite(path: path, reason: error.localizedDescription)(language))
        }
        Console.error(CLIMessage.wroteFile(path)(language))
    }
}

/// What `sheen env` reads: the project (or recipe) and its state file.
struct EnvSourceOptions: ParsableArguments {
    @OptionGroup var input: PlanInputOptions

    @Option(name: [.customLong("store"), .customLong("state")], help: storeHelp)
    var store: String?

    func variables(global: GlobalOptions, includeSecrets: Bool) async throws -> [AppVariable] {
        let language = global.language
        let (source, catalog) = try input.source(global: global)
        let store =
            try storeLocation(self.store, language: language).mayHoldState
            ? try await openStore(self.store, language: language).state : nil
        let environment = AppEnvironment(
            catalog: catalog, connections: store.map { ConnectionService.deferred(store: $0, catalog: catalog) })
        let variables = try await reportingApplicationErrors(language: language) {
            try await reportingConnectionErrors(language: language) {
                try await environment.variables(for: source, store: store, includeSecrets: includeSecrets)
            }
        }
        // Secret values printed are credentials read: one audit entry per connection they came from.
        if includeSecrets, let store {
            let read = Set(variables.filter { $0.secret && $0.value != nil }.map(\.source)).sorted()
            let log = AuditLog(store: store)
            for target in read {
                try await log.record(
                    .credentialRead, by: AuditLog.localActor, project: source.scope.project, target: target)
            }
        }
        return variables
    }
}
