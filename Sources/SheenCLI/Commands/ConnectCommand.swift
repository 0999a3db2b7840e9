import ArgumentParser
import Foundation
import SheenApplication
import SheenEngine
import SheenModel

struct ConnectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connect",
        abstract: "Give Sheen a provider account's credentials, encrypted at rest.",
        discussion: """
            Fields come from the provider's manifest ('sheen providers show PROVIDER'). A secret field's value must \
            be @env:VAR, @file:PATH or - (standard input); left out, it is asked for without echo. Plain fields may \
            be written as they are. Live keys are refused outside prod, test keys in prod.

            Several connections per provider are allowed: name each with --alias, and give --market to the ones \
            that serve only some markets (one Tap account per entity).

            Examples:
              sheen connect tap --env dev --field secret_key=@env:TAP_SECRET_KEY \\
                --field public_key=pk_test_123
              sheen connect tap --env dev --alias eg-entity --market EG \\
                --field secret_key=@file:tap-eg.key --field public_key=pk_test_456
              sheen connect stripe --env prod --field secret_key=- < stripe-live.key
            """)

    @Argument(help: ArgumentHelp("The provider to connect (e.g. tap).", valueName: "provider"))
    var provider: String

    @Option(name: .long, help: ArgumentHelp("Environment: dev, staging or prod.", valueName: "env"))
    var env: DeploymentEnvironment

    @Option(name: .long, help: ArgumentHelp("Name of this connection (default: default).", valueName: "alias"))
    var alias = Connection.defaultAlias

    @Option(
        name: .long,
        help: ArgumentHelp("A market this account serves; repeat for several (default: all).", valueName: "code"),
        transform: CodeArguments.market)
    var market: [CountryCode] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A credential field: NAME=VALUE, NAME=@env:VAR, NAME=@file:PATH or NAME=-.", valueName: "field"))
    var field: [String] = []

    @Option(name: .long, help: ArgumentHelp("The provider's id for this account, if you know it.", valueName: "id"))
    var externalAccountId: String?

    @Flag(name: .long, help: "A connection to a local simulator, with the simulator's keys.")
    var sandbox = false

    @Option(
        name: .long,
        help: ArgumentHelp("Sandbox only: the simulator's base URL on loopback.", valueName: "url"))
    var baseUrl: String?

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        try ConnectionOptions.checkFields(field, language: global.language)
    }

    func run() async throws {
        let language = global.language
        let (project, service) = try await connection.service(
            global: global, catalog: try CatalogSession(options: global).catalog)
        let request = ConnectRequest(
            project: project, provider: provider, environment: env, alias: alias, markets: market,
            externalAccountID: externalAccountId, sandbox: sandbox, baseURL: baseUrl,
            fields: CredentialInput.parseAll(field))
        let details = try await reportingConnectionErrors(language: language) {
            try await service.connect(request, reader: TerminalCredentialReader())
        }
        try await service.audited(.credentialWrite, project: project, target: details.connection.reference)
        if global.json {
            try Console.json(ConnectionJSON(details))
        } else {
            Console.out(CLIMessage.connected(details.connection.reference, env: env.rawValue)(language))
            Console.out(ConnectionText.detail(details, language: language))
        }
    }
}
