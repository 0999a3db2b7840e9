import ArgumentParser
import Foundation
import SheenApplication
import SheenEngine
import SheenModel

struct ConnectionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connections",
        abstract: "List, show, remove and rotate the project's connections; never prints a secret.",
        subcommands: [List.self, Show.self, Remove.self, Rotate.self, Authorize.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every connection of the project: provider/alias, environment, markets, secret fields set.")

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let language = global.language
            let (project, service) = try await connection.service(global: global)
            let all = try await reportingConnectionErrors(language: language) {
                try await service.list(project: project)
            }
            if global.json {
                try Console.json(ConnectionJSON.List(project: project, connections: all.map(ConnectionJSON.init)))
            } else {
                Console.out(ConnectionText.table(all, project: project, language: language))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One connection: its plain fields, and each secret field's fingerprint and when it was set.")

        @Argument(help: ArgumentHelp("The provider.", valueName: "provider"))
        var provider: String
        @OptionGroup var selector: ConnectionSelector
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let language = global.language
            let (project, service) = try await connection.service(global: global)
            let details = try await reportingConnectionErrors(language: language) {
                try await service.find(
                    project: project, provider: provider, alias: selector.alias, environment: selector.env)
            }
            if global.json {
                try Console.json(ConnectionJSON(details))
            } else {
                Console.out(ConnectionText.detail(details, language: language))
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Forget a connection and its encrypted credentials (the account at the provider is untouched).")

        @Argument(help: ArgumentHelp("The provider.", valueName: "provider"))
        var provider: String
        @OptionGroup var selector: ConnectionSelector
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let language = global.language
            let (project, service) = try await connection.service(global: global)
            let removed = try await reportingConnectionErrors(language: language) {
                try await service.remove(
                    project: project, provider: provider, alias: selector.alias, environment: selector.env)
            }
            try await service.audited(.credentialDelete, project: project, target: removed.reference)
            Console.out(CLIMessage.removedConnection(removed.reference, env: removed.environment.rawValue)(language))
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace credential fields; the old values stay until the new ones pass their checks.",
            discussion: """
                Example:
                  sheen connections rotate stripe --env prod --field secret_key=@env:NEW_STRIPE_KEY
                """)

        @Argument(help: ArgumentHelp("The provider.", valueName: "provider"))
        var provider: String
        @OptionGroup var selector: ConnectionSelector

        @Option(
            name: .long,
            help: ArgumentHelp("A new value: NAME=@env:VAR, NAME=@file:PATH or NAME=-.", valueName: "field"))
        var field: [String] = []

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var global: GlobalOptions

        func validate() throws {
            try ConnectionOptions.checkFields(field, language: global.language)
        }

        func run() async throws {
            let language = global.language
            let (project, service) = try await connection.service(
                global: global, catalog: try CatalogSession(options: global).catalog)
            let details = try await reportingConnectionErrors(language: language) {
                try await service.rotate(
                    project: project, provider: provider, alias: selector.alias, environment: selector.env,
                    fields: CredentialInput.parseAll(field), reader: TerminalCredentialReader())
            }
            try await service.audited(.credentialWrite, project: project, target: details.connection.reference)
            if global.json {
                try Console.json(ConnectionJSON(details))
            } else {
                Console.out(CLIMessage.rotatedConnection(details.connection.reference)(language))
                Console.out(ConnectionText.detail(details, language: language))
            }
        }
    }
}

extension ConnectionsCommand {
    struct Authorize: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Authorize a connection in the browser (OAuth 2.0 with PKCE) and keep its tokens encrypted.",
            discussion: """
                For providers that hand out user tokens. Sheen listens on 127.0.0.1 for the provider's redirect, \
                checks the state it sent and trades the code with its PKCE verifier; tokens are renewed 15 minutes \
                before they expire.
                """)

        @Argument(help: ArgumentHelp("The provider.", valueName: "provider"))
        var provider: String
        @OptionGroup var selector: ConnectionSelector
        @Option(name: .long, help: ArgumentHelp("Seconds to wait for the browser (default: 300).", valueName: "s"))
        var timeout = 300
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let language = global.language
            let (project, service) = try await connection.service(
                global: global, catalog: try CatalogSession(options: global).catalog)
            try await reportingConnectionErrors(language: language) {
                let found = try await service.find(
                    project: project, provider: provider, alias: selector.alias, environment: selector.env)
                try await TokenService(connections: service).authorize(found.connection, timeout: .seconds(timeout)) {
                    url in Console.error(CLIMessage.openToAuthorize(url)(language))
                }
            }
            Console.out(CLIMessage.authorized("\(provider)/\(selector.alias)")(language))
        }
    }
}

/// Names one connection: its alias, and its environment when the alias exists in several.
struct ConnectionSelector: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The connection's alias (default: default).", valueName: "alias"))
    var alias = Connection.defaultAlias

    @Option(name: .long, help: ArgumentHelp("Its environment, when the alias exists in several.", valueName: "env"))
    var env: DeploymentEnvironment?
}
