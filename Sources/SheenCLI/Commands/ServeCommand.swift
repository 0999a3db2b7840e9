import ArgumentParser
import Foundation
import SheenApplication
import SheenModel
import SheenPlanner
import SheenServer
import SheenSimulator
import SheenStore
import SheenWebhooks
import Synchronization

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the launch API and dashboard, and receive provider webhooks.",
        discussion: """
            Providers call POST /v1/webhooks/{provider}/{connection}, e.g. /v1/webhooks/stripe/default. A delivery \
            is answered 200 only once it is stored (a redelivery is answered 200 and not processed again), 401 \
            with the reason when its signature fails, 404 for an unknown connection, 413 when too large. \
            GET /healthz answers while the server runs; GET /metrics gives Prometheus counters and the time-to-ack histogram. Sealed bodies and old rows are purged hourly (--body-hours, --row-hours). Ctrl-C or SIGTERM stops it after in-flight deliveries.

            The launch API lives under /v1 (docs/openapi.yaml): projects, connections, dry-run plans, launches \
            with Idempotency-Key, the checklist, preflight, events and dead letters, the audit log; progress and \
            checklist changes stream as Server-Sent Events. Every call needs a token from 'sheen tokens create'. \
            The dashboard is at /en/ and /ar/. Without ./sheen.yaml (or --project) only the API and dashboard run.

            Examples:
              sheen serve --port 8080 --public-url https://hooks.example.sa
              sheen tokens create --name laptop --project '*' --scope read --scope write
              sheen serve --port 8080                  # then open http://127.0.0.1:8080/ar/
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

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Where projects made through the API keep their files (default: beside the store, projects/).",
            valueName: "dir"))
    var projectsDir: String?

    @Option(name: .long, help: ArgumentHelp("Largest API request body (default: 65536).", valueName: "bytes"))
    var maxApiBodyBytes = 64 * 1024

    @Option(
        name: .long, help: ArgumentHelp("API requests per second per token, on average (default: 20).", valueName: "n"))
    var apiRate = 20.0

    @Option(
        name: .long,
        help: ArgumentHelp("First simulator port for sandbox launches (default: 47100).", valueName: "port"))
    var sandboxPortBase = Sandbox.defaultPortBase

    @Option(name: .long, help: ArgumentHelp("Keep sealed raw bodies this long (default: 168).", valueName: "hours"))
    var bodyHours = 168

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Keep finished events (and their dedup keys) this long, ≥ 76 (default: 168).", valueName: "hours"))
    var rowHours = 168

    func validate() throws {
        guard EventRetention(bodyHours: bodyHours, rowHours: rowHours).isValid else {
            throw ValidationError(CLIMessage.dedupWindow(global.language))
        }
    }

    func run() async throws {
        let language = global.language
        let catalog = try CatalogSession(options: global).catalog
        let file = try? connection.projectFile(language: language)
        if connection.project != nil, file == nil {
            // A project named on the command line that cannot be read is a mistake, not an API-only server.
            _ = try connection.projectFile(language: language)
        }
        let (opened, keys) = try await connection.open(language: language, groupCommit: !commitEach)
        let store = opened.state
        let events = opened.events
        let service = ConnectionService(store: store, keys: keys, catalog: catalog)
        var server = WebhookServer(
            ingest: file.map {
                WebhookIngestService(project: $0.name, environment: env, connections: service, events: events)
            },
            processor: EventProcessor(events: events), maxBodyBytes: maxBodyBytes, publicURL: publicUrl,
            retention: EventRetention(bodyHours: bodyHours, rowHours: rowHours))
        // Events are checklist evidence: the conditions are re-judged (at most every few seconds) as they arrive.
        if let file, let request = PlanRequest(project: file, environment: env, catalog: catalog) {
            let checklist = ChecklistService(store: store, events: events, catalog: catalog, connections: service)
            let directory = ((connection.project ?? "sheen.yaml") as NSString).deletingLastPathComponent
            let gate = Throttle(every: .seconds(5))
            server.afterProcessing = { _ in
                guard gate.due() else { return }
                _ = try? await checklist.evaluate(
                    .request(request), projectDirectory: directory.isEmpty ? "." : directory)
            }
        }
        let location = try storeLocation(connection.store, language: language)
        let api = ConsoleAPI.make(
            store: store, events: events, catalog: catalog, connections: service,
            settings: LaunchService.Settings(
                root: projectsDir ?? (location.localDirectory as NSString).appendingPathComponent("projects"),
                portBase: sandboxPortBase),
            limits: ConsoleAPI.Limits(maxBodyBytes: maxApiBodyBytes, burst: Int(apiRate * 3), perSecond: apiRate))
        server.routes = [api.register(on:), Dashboard(api: api).register(on:)]
        server.projectIngest = api.projectIngest
        let running: WebhookServer.Running
        do {
            running = try await server.start(host: host, port: port, stopOnSignals: true)
        } catch {
            throw Console.failure(CLIMessage.cannotListen(host: host, port: port)(language), language: language)
        }
        // The audit log keeps 90 days: purged now and hourly while serving.
        let purging = Task {
            while !Task.isCancelled {
                _ = try? await api.audit.purge()
                try? await Task.sleep(for: .seconds(3600))
            }
        }
        if let file {
            Console.out(CLIMessage.listening(host: host, port: running.port, project: file.name)(language))
        }
        Console.out(CLIMessage.serving(host: host, port: running.port)(language))
        await running.wait()
        purging.cancel()
        await api.runner.drain()
        Console.out(CLIMessage.stopped(language))
    }
}

struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Stored webhook events: list, show, replay dead letters, purge old bodies and rows.",
        subcommands: [List.self, Show.self, Replay.self, Purge.self], defaultSubcommand: List.self)

    struct Store: ParsableArguments {
        @Option(name: [.customLong("store"), .customLong("state")], help: storeHelp)
        var store: String?

        func open(language: Language) async throws -> any EventStore {
            try await openStore(store, language: language).events
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
            let events = try await store.open(language: global.language)
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
            guard retention.isValid else { throw ValidationError(CLIMessage.dedupWindow(global.language)) }
        }

        var retention: EventRetention { EventRetention(bodyHours: bodyHours, rowHours: rowHours) }

        func run() async throws {
            let events = try await store.open(language: global.language)
            guard let purged = try await retention.purge(events, now: Date()) else { return }
            Console.out(CLIMessage.purged(bodies: purged.bodies, rows: purged.rows)(global.language))
        }
    }
}

extension StoredEvent.Status: ExpressibleByArgument {}

/// Lets something through at most once per interval.
final class Throttle: Sendable {
    private let interval: Duration
    private let last = Mutex<ContinuousClock.Instant?>(nil)

    init(every interval: Duration) { self.interval = interval }

    func due() -> Bool {
        last.withLock { last in
            let now = ContinuousClock.now
            if let previous = last, now - previous < interval { return false }
            last = now
            return true
        }
    }
}
