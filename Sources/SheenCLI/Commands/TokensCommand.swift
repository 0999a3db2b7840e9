import ArgumentParser
import Foundation
import SheenApplication
import SheenEngine
import SheenModel
import SheenServer
import SheenStore

extension AccessToken.Scope: ExpressibleByArgument {}

struct TokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Bearer tokens for the launch API and the dashboard: create, list, revoke.",
        discussion: """
            A token names the projects it may touch (or '*' for all) and its scopes: read (GET routes), write \
            (projects, connections, plans, launches, preflight, replays) and admin (the audit log, raw webhook \
            bodies). Its secret is printed once, when it is created; the store keeps only its SHA-256.

            Examples:
              sheen tokens create --name ci --project souq --scope read --scope write
              sheen tokens create --name ops --project '*' --scope read --scope write --scope admin
              sheen tokens revoke tok_3kQ9x…
            """,
        subcommands: [Create.self, List.self, Revoke.self], defaultSubcommand: List.self)

    struct Store: ParsableArguments {
        @Option(name: [.customLong("store"), .customLong("state")], help: storeHelp)
        var store: String?

        func service(language: Language) async throws -> AccessTokenService {
            let store = try await openStore(store, language: language).state
            return AccessTokenService(store: store, audit: AuditLog(store: store))
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a token and print its secret once.")
        @Option(name: .long, help: ArgumentHelp("Who or what uses it (ci, laptop, dashboard).", valueName: "name"))
        var name: String
        @Option(name: .long, help: ArgumentHelp("A project it may touch; '*' for every one.", valueName: "name"))
        var project: [String] = []
        @Option(name: .long, help: ArgumentHelp("read, write or admin (default: read and write).", valueName: "scope"))
        var scope: [AccessToken.Scope] = []
        @OptionGroup var store: Store
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let language = global.language
            let issued = try await reporting(language) {
                try await store.service(language: language).create(
                    name: name, projects: project, scopes: Set(scope.isEmpty ? [.read, .write] : scope),
                    by: AuditLog.localActor)
            }
            if global.json {
                try Console.json(TokenJSON(issued.token, secret: issued.secret))
            } else {
                Console.out(issued.secret)
                Console.error(
                    LocalizedText(
                        en: "token \(issued.token.id) created; its secret is printed above once and kept nowhere",
                        ar: "أُنشئ الرمز \(issued.token.id)؛ سرّه مطبوع أعلاه مرة واحدة ولا يُحفظ في أي مكان")(language))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every token, revoked ones with their date.")
        @OptionGroup var store: Store
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let tokens = try await reporting(global.language) {
                try await store.service(language: global.language).list()
            }
            if global.json {
                try Console.json(["tokens": tokens.map { TokenJSON($0, secret: nil) }])
                return
            }
            let formatter = ISO8601DateFormatter()
            Console.out(
                TextTable(
                    header: ["ID", "NAME", "PROJECTS", "SCOPES", "CREATED", "REVOKED"],
                    rows: tokens.map {
                        [
                            $0.id, $0.name, $0.projects.joined(separator: ","),
                            $0.scopes.sorted().map(\.rawValue).joined(separator: ","),
                            formatter.string(from: $0.createdAt), $0.revokedAt.map(formatter.string) ?? "-",
                        ]
                    }
                ).rendered)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop a token from authenticating, at once.")
        @Argument(help: ArgumentHelp("The token's id (tok_…).", valueName: "id"))
        var id: String
        @OptionGroup var store: Store
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let language = global.language
            try await reporting(language) {
                try await store.service(language: language).revoke(id, by: AuditLog.localActor)
            }
            Console.out(LocalizedText(en: "revoked \(id)", ar: "أُلغي \(id)")(language))
        }
    }
}

/// Runs `body`, printing a refusal in the user's language: exit 2 for bad input, 1 otherwise.
func reporting<T: Sendable>(_ language: Language, _ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as ConsoleError {
        if case .invalid = error { throw ValidationError(error.message(language)) }
        throw Console.failure(error.message(language), language: language)
    }
}

// swift-format-ignore: AlwaysUseLowerCamelCase
struct TokenJSON: Encodable {
    var id: String
    var name: String
    var projects: [String]
    var scopes: [String]
    var created_at: String
    var revoked_at: String?
    /// Only when the token is created.
    var secret: String?

    init(_ token: AccessToken, secret: String?) {
        let formatter = ISO8601DateFormatter()
        id = token.id
        name = token.name
        projects = token.projects
        scopes = token.scopes.sorted().map(\.rawValue)
        created_at = formatter.string(from: token.createdAt)
        revoked_at = token.revokedAt.map(formatter.string)
        self.secret = secret
    }
}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Who read or changed a credential, replayed an event or read a raw body, and when.",
        discussion: """
            Newest first. Entries are kept 90 days: 'sheen serve' purges older ones hourly, and --purge does it now. \
            The same log is at GET /v1/audit for tokens with the admin scope.

            Examples:
              sheen audit
              sheen audit --project souq --json
            """)
    @Option(name: .long, help: ArgumentHelp("Only this project's entries.", valueName: "name"))
    var project: String?
    @Option(name: .long, help: ArgumentHelp("At most this many (default: 100).", valueName: "n"))
    var limit = 100
    @Flag(name: .long, help: "Drop entries older than 90 days first.")
    var purge = false
    @OptionGroup var store: TokensCommand.Store
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (1...100_000).contains(limit) else {
            throw ValidationError(
                LocalizedText(en: "--limit is from 1 to 100000", ar: "‏--limit من 1 إلى 100000")(global.language))
        }
    }

    func run() async throws {
        let log = AuditLog(store: try await openStore(store.store, language: global.language).state)
        if purge { try await log.purge() }
        let entries = try await log.entries(project: project, limit: limit)
        if global.json {
            try Console.json(AuditJSON.List(entries: entries.map(AuditJSON.init)))
            return
        }
        let formatter = ISO8601DateFormatter()
        Console.out(
            TextTable(
                header: ["AT", "ACTOR", "ACTION", "PROJECT", "TARGET", "REQUEST"],
                rows: entries.map {
                    [
                        formatter.string(from: $0.at), $0.actor, $0.action.rawValue, $0.project ?? "-", $0.target,
                        $0.correlationID ?? "-",
                    ]
                }
            ).rendered)
    }
}
