import ArgumentParser
import Foundation
import SheenApplication
import SheenModel
import SheenServer
import SheenStore
import SheenWebhooks
import Synchronization

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Receive provider webhooks: verify, store durably, acknowledge, process.",
        discussion: """
            Providers call POST /v1/webhooks/{provider}/{connection}, e.g. /v1/webhooks/stripe/default. A delivery \
            is answered 200 only once it is stored (a redelivery is answered 200 and not processed again), 401 \
            with the reason when its signature fails, 404 for an unknown connection, 413 when too large. \
            GET /healthz answers while the server runs. Ctrl-C or SIGTERM stops it after in-flight deliveries.

            Example:
              sheen serve --port 8080 --public-url https://hooks.example.sa
            """)

    @Option(name: .long, help: ArgumentHelp("Address to listen on (default: 127.0.0.1).", valueName: "host"))
    var host = "127.0.0.1"

    @Option(name: .long, help: ArgumentHelp("Port (default: 8080; 0 picks a free one).", valueName: "port"))
    var port = 8080

    @Option(name: .long, help: ArgumentHelp("Environment whose connections receive (default: dev).", valueName: "env"))
    var env: DeploymentEnvironment = .dev

    @Option(
        name: .long, help: ArgumentHelp("The public base URL providers call (Twilio signs it).", valueName: "url"))
    var publicUrl: String?

    @Option(name: .long, help: ArgumentHelp("Largest body accepted (default: 1 MiB).", valueName: "bytes"))
    var maxBodyBytes = 1 << 20

    // The ingest benchmark's baseline: one commit per delivery instead of group commits.
    @Flag(name: .long, help: .hidden)
    var commitEach = false

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let language = global.language
        let catalog = try CatalogSession(options: global).catalog
        let (project, service) = try connection.service(global: global, catalog: catalog)
        let events = SQLiteEventStore(
            try openStateStore(at: connection.state, language: language), groupCommit: !commitEach)
        let server = WebhookServer(
            ingest: WebhookIngestService(project: project, environment: env, connections: service, events: events),
            processor: EventProcessor(events: events), maxBodyBytes: maxBodyBytes, publicURL: publicUrl)
        // Signals are routed before the server announces itself, so a stop requested right after the announcement
        // is never lost between ignoring the default action and listening for it.
        let stop = StopRequest()
        for signal in [SIGINT, SIGTERM] { Foundation.signal(signal, SIG_IGN) }
        let sources = [SIGINT, SIGTERM].map { DispatchSource.makeSignalSource(signal: $0, queue: .global()) }
        for source in sources {
            source.setEventHandler { stop.request() }
            source.resume()
        }
        let running: WebhookServer.Running
        do {
            running = try await server.start(host: host, port: port)
        } catch {
            throw Console.failure(CLIMessage.cannotListen(host: host, port: port)(language), language: language)
        }
        stop.onRequest { running.stop() }
        Console.out(CLIMessage.listening(host: host, port: running.port, project: project)(language))
        await running.wait()
        // The signal sources must live until the server stops: an optimised build would otherwise free them (and with
        // them the handlers) right after their last use above.
        withExtendedLifetime(sources) {}
        Console.out(CLIMessage.stopped(language))
    }
}

struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Stored webhook events: list, show, replay dead letters, purge old bodies and rows.",
        subcommands: [List.self, Show.self, Replay.self, Purge.self], defaultSubcommand: List.self)

    struct Store: ParsableArguments {
        @Option(name: .long, help: ArgumentHelp("State file (default: .sheen/state.sqlite).", valueName: "path"))
        var state = ".sheen/state.sqlite"

        func open(language: Language) throws -> SQLiteEventStore {
            SQLiteEventStore(try openStateStore(at: state, language: language))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Newest first.")
        @Option(name: .long, help: ArgumentHelp("Only this provider's.", valueName: "provider"))
        var provider: String?
        @Option(name: .long, help: ArgumentHelp("received, processed, failed or dead.", valueName: "status"))
        var status: StoredEvent.Status?
        @Option(name: .long, help: ArgumentHelp("At most this many (default: 100).", valueName: "n"))
        var limit = 100
        @OptionGroup var store: Store
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let rows = try await store.open(language: global.language).events(
                provider: provider, status: status, limit: limit)
            if global.json {
                try Console.json(EventJSON.List(events: rows.map(EventJSON.init)))
            } else {
                Console.out(EventText.table(rows, language: global.language))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One event, without its (sealed) body.")
        @Argument(help: ArgumentHelp("The event's id.", valueName: "id"))
        var id: Int64
        @OptionGroup var store: Store
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            guard let (event, _) = try await store.open(language: global.language).event(id) else {
                throw Console.failure(CLIMessage.noEvent(id)(global.language), language: global.language)
            }
            if global.json {
                try Console.json(EventJSON(event))
            } else {
                Console.out(EventText.detail(event, language: global.language))
            }
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queue a dead (or failed) event again, or every dead one; replaying twice processes once.")
        @Argument(help: ArgumentHelp("The event's id.", valueName: "id"))
        var id: Int64?
        @Flag(name: .long, help: "Every dead-lettered event.")
        var dead = false
        @OptionGroup var store: Store
        @OptionGroup var global: GlobalOptions

        func validate() throws {
            guard (id == nil) != !dead else { throw ValidationError(CLIMessage.idOrDead(global.language)) }
        }

        func run() async throws {
            let events = try store.open(language: global.language)
            var ids: [Int64] = id.map { [$0] } ?? []
            if dead { ids = try await events.events(provider: nil, status: .dead, limit: 100_000).map(\.id) }
            var queued = 0
            for id in ids where try await events.replay(id) { queued += 1 }
            Console.out(CLIMessage.replayed(queued)(global.language))
        }
    }

    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Drop sealed bodies after --body-hours and finished rows after --row-hours (at least 76).")
        @Option(name: .long, help: ArgumentHelp("Keep bodies this long (default: 168).", valueName: "hours"))
        var bodyHours = 168
        @Option(name: .long, help: ArgumentHelp("Keep rows this long, ≥ 76 (default: 168).", valueName: "hours"))
        var rowHours = 168
        @OptionGroup var store: Store
        @OptionGroup var global: GlobalOptions

        func validate() throws {
            // Providers redeliver for up to three days; a row dropped sooner would let a redelivery be processed twice.
            guard rowHours >= 76, bodyHours >= 0 else { throw ValidationError(CLIMessage.dedupWindow(global.language)) }
        }

        func run() async throws {
            let now = Date()
            let purged = try await store.open(language: global.language).purge(
                bodiesBefore: now.addingTimeInterval(-Double(bodyHours) * 3600),
                rowsBefore: now.addingTimeInterval(-Double(rowHours) * 3600))
            Console.out(CLIMessage.purged(bodies: purged.bodies, rows: purged.rows)(global.language))
        }
    }
}

extension StoredEvent.Status: ExpressibleByArgument {}

/// A stop asked for by a signal, possibly before the server it stops exists.
final class StopRequest: Sendable {
    private let state = Mutex<(requested: Bool, action: (@Sendable () -> Void)?)>((false, nil))

    func request() {
        let action = state.withLock { value -> (@Sendable () -> Void)? in
            value.requested = true
            return value.action
        }
        action?()
    }

    /// Runs `action` on the next request, or now if one already came.
    func onRequest(_ action: @escaping @Sendable () -> Void) {
        let already = state.withLock { value -> Bool in
            value.action = action
            return value.requested
        }
        if already { action() }
    }
}
