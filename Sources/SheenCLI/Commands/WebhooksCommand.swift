import ArgumentParser
import Foundation
import SheenApplication
import SheenEngine
import SheenModel
import SheenStore
import SheenWebhooks

extension WebhookScheme: ExpressibleByArgument {
    public init?(argument: String) { self.init(id: argument) }
}

struct WebhooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks",
        abstract: "Check whether a captured webhook delivery is genuine, or sign one for tests and demos.",
        subcommands: [Verify.self, Sign.self, URLCommand.self])

    /// Which scheme, from a provider's manifest or by id, and the secret, never written on the command line.
    struct SchemeOptions: ParsableArguments {
        @Option(
            name: .long, help: ArgumentHelp("Use this provider's scheme (see its manifest).", valueName: "provider"))
        var provider: String?

        @Option(
            name: .long,
            help: ArgumentHelp(
                "Scheme id: \(WebhookScheme.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "scheme"))
        var scheme: WebhookScheme?

        @Option(
            name: .long,
            help: ArgumentHelp("The signing secret: @env:VAR, @file:PATH or - (standard input).", valueName: "secret"))
        var secret: String

        @Option(name: .long, help: ArgumentHelp("The URL the provider called (Twilio signs it).", valueName: "url"))
        var url: String?

        @Option(
            name: .long, help: ArgumentHelp("Check or sign as of this Unix time (default: now).", valueName: "unix"))
        var now: Int?

        @Option(name: .long, help: ArgumentHelp("Tabby's registered header name.", valueName: "name"))
        var tabbyHeader = "X-Tabby-Signature"

        func validate(language: Language) throws {
            guard (provider == nil) != (scheme == nil) else {
                throw ValidationError(CLIMessage.providerOrScheme(language))
            }
            guard case .some(let input) = CredentialInput.parse("secret=" + secret).map(\.input), input.isReference
            else {
                throw ValidationError(CLIMessage.secretNotLiteral(language))
            }
        }

        func resolve(global: GlobalOptions) throws -> (WebhookScheme, String) {
            let language = global.language
            var chosen = scheme
            if let provider {
                let manifest = try CatalogSession(options: global).provider(provider, language: language)
                guard let id = manifest.webhooks?.scheme.rawValue, let found = WebhookScheme(id: id) else {
                    throw Console.failure(CLIMessage.noWebhooks(provider)(language), language: language)
                }
                chosen = found
            }
            guard let chosen else { throw ValidationError(CLIMessage.providerOrScheme(language)) }
            let reader = TerminalCredentialReader()
            let value: String?
            switch CredentialInput.parse("secret=" + secret)?.input {
            case .environment(let variable): value = reader.environmentVariable(variable)
            case .file(let path): value = try? reader.contents(ofFile: path)
            case .standardInput: value = try? reader.standardInput()
            default: value = nil
            }
            guard let value = value?.trimmingCharacters(in: .newlines), !value.isEmpty else {
                throw Console.failure(CLIMessage.secretUnavailable(secret)(language), language: language)
            }
            return (chosen, value)
        }

        var date: Date { now.map { Date(timeIntervalSince1970: TimeInterval($0)) } ?? Date() }
        var verifier: WebhookVerifier { WebhookVerifier(tabbyHeader: tabbyHeader) }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Exit 0 when a delivery is genuine, 1 with the reason when it is not.",
            discussion: """
                Headers are 'Name: value' lines, as 'curl -D' writes them (a status line is fine, names any case). \
                The body is the raw bytes as received: re-saving JSON changes them.

                Examples:
                  sheen webhooks verify --provider stripe --secret @env:STRIPE_WEBHOOK_SECRET \\
                    --headers headers.txt --body body.json
                  sheen webhooks verify --scheme twilio --secret @file:twilio.token \\
                    --headers h.txt --body b.txt --url https://hooks.example.sa/twilio
                """)

        @OptionGroup var options: SchemeOptions

        @Option(name: .long, help: ArgumentHelp("The delivery's headers ('Name: value' lines).", valueName: "file"))
        var headers: String

        @Option(name: .long, help: ArgumentHelp("The delivery's raw body.", valueName: "file"))
        var body: String

        @OptionGroup var global: GlobalOptions

        func validate() throws { try options.validate(language: global.language) }

        func run() async throws {
            let language = global.language
            let (scheme, secret) = try options.resolve(global: global)
            guard let headerText = try? String(contentsOfFile: headers, encoding: .utf8) else {
                throw ValidationError(CLIMessage.noSuchFile(headers)(language))
            }
            guard let bodyData = FileManager.default.contents(atPath: body) else {
                throw ValidationError(CLIMessage.noSuchFile(body)(language))
            }
            let request = WebhookRequest(headers: WebhookHeaders(lines: headerText), body: bodyData, url: options.url)
            let verdict = await options.verifier.verify(request, scheme: scheme, secret: secret, now: options.date)
            if global.json {
                try Console.json(WebhookVerdictJSON(scheme: scheme, verdict: verdict))
            } else {
                switch verdict {
                case .genuine: Console.out(CLIMessage.genuine(scheme.rawValue)(language))
                case .rejected(let rejection):
                    Console.out(CLIMessage.notGenuine(scheme.rawValue, rejection.message(language))(language))
                }
            }
            if !verdict.isGenuine { throw ExitCode(ExitStatus.invalidInput) }
        }
    }

    struct Sign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign a body as a provider would: prints the headers (and the URL, for schemes that use it).",
            discussion: """
                Example:
                  sheen webhooks sign --scheme standard-webhooks --secret @env:WHSEC --body event.json > headers.txt
                """)

        @OptionGroup var options: SchemeOptions

        @Option(name: .long, help: ArgumentHelp("The body to sign.", valueName: "file"))
        var body: String

        @Option(name: .long, help: ArgumentHelp("Message id, for schemes that sign one.", valueName: "id"))
        var id: String?

        @OptionGroup var global: GlobalOptions

        func validate() throws { try options.validate(language: global.language) }

        func run() async throws {
            let language = global.language
            let (scheme, secret) = try options.resolve(global: global)
            guard let bodyData = FileManager.default.contents(atPath: body) else {
                throw ValidationError(CLIMessage.noSuchFile(body)(language))
            }
            let signed: WebhookRequest
            do {
                signed = try await options.verifier.sign(
                    body: bodyData, scheme: scheme, secret: secret, now: options.date, id: id, url: options.url)
            } catch {
                throw Console.failure(error.message(language), language: language)
            }
            if global.json {
                try Console.json(WebhookSignedJSON(signed))
            } else {
                Console.out(signed.headers.fields.map { "\($0.name): \($0.value)" }.joined(separator: "\n"))
                if let url = signed.url, url != options.url { Console.error("url: \(url)") }
            }
        }
    }
}

/// `webhooks verify --json`.
struct WebhookVerdictJSON: Encodable {
    // swift-format-ignore: AlwaysUseLowerCamelCase
    var format_version = "1.0"
    var scheme: String
    var genuine: Bool
    var reason: String?
    var message: LocalizedText?

    init(scheme: WebhookScheme, verdict: Verdict) {
        self.scheme = scheme.rawValue
        genuine = verdict.isGenuine
        if case .rejected(let rejection) = verdict {
            reason = rejection.code
            message = rejection.message
        }
    }
}

/// `webhooks sign --json`.
struct WebhookSignedJSON: Encodable {
    // swift-format-ignore: AlwaysUseLowerCamelCase
    var format_version = "1.0"
    var headers: [String: String]
    var url: String?

    init(_ request: WebhookRequest) {
        var headers: [String: String] = [:]
        for field in request.headers.fields { headers[field.name] = field.value }
        self.headers = headers
        url = request.url
    }
}

extension WebhooksCommand {
    struct URLCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "url",
            abstract: "The webhook URL to register with a provider for one connection.",
            discussion: """
                The URL is webhooks.public_url from sheen.yaml (or --public-url) followed by \
                /v1/webhooks/{provider}/{alias}. Providers that sign nothing (Infobip) authenticate by a secret \
                token in the URL, which Sheen generated when the connection was made: the URL printed for them is \
                itself a secret; paste it into the provider's dashboard and nowhere else.

                Example:
                  sheen webhooks url infobip --env prod
                """)

        @Argument(help: ArgumentHelp("The provider.", valueName: "provider"))
        var provider: String

        @Option(name: .long, help: ArgumentHelp("The connection's alias (default: default).", valueName: "alias"))
        var alias = Connection.defaultAlias

        @Option(name: .long, help: ArgumentHelp("Its environment, when it has several.", valueName: "env"))
        var env: DeploymentEnvironment?

        @Option(
            name: .long,
            help: ArgumentHelp("The https base providers call (default: webhooks.public_url).", valueName: "url"))
        var publicUrl: String?

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let language = global.language
            let catalog = try CatalogSession(options: global).catalog
            let project = try connection.projectFile(language: language)
            let store = try await connection.open(language: language).0.state
            let service = ConnectionService.deferred(store: store, catalog: catalog)
            let found = try await reportingConnectionErrors(language: language) {
                guard let base = (publicUrl ?? project.webhookPublicURL).map(Self.trimmed) else {
                    throw ConnectionError.noPublicURL
                }
                return try await service.webhookURL(
                    project: project.name, provider: provider, alias: alias, environment: env, base: base)
            }
            // A URL that carries the connection's secret token is a credential read.
            if found.revealsSecret {
                try await service.audited(.credentialRead, project: project.name, target: "\(provider)/\(alias)")
            }
            if global.json {
                try Console.json(
                    WebhookURLJSON(provider: provider, alias: alias, url: found.url, secret: found.revealsSecret))
            } else {
                Console.out(found.url)
                if found.revealsSecret { Console.error(CLIMessage.urlIsSecret(language)) }
            }
        }

        static func trimmed(_ url: String) -> String { url.hasSuffix("/") ? String(url.dropLast()) : url }
    }

    struct WebhookURLJSON: Encodable {
        var provider: String
        var alias: String
        var url: String
        var secret: Bool
    }
}
