import ArgumentParser
import Foundation
import SheenApplication
import SheenCatalog
import SheenEngine
import SheenModel
import SheenPlanner
import SheenSecrets
import SheenStore
import Synchronization

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run queued plans' steps from a shared PostgreSQL store, alongside any number of other workers.",
        discussion: """
            Claims ready steps of any project's queued run ('sheen apply --enqueue') with FOR UPDATE SKIP LOCKED, \
            runs each through the same executor, adapters, rate limits and journal as 'sheen apply', and readies the \
            steps that waited on it. A claim is a lease renewed every heartbeat: if this worker dies, its steps are \
            claimed again once the lease lapses (lease + one heartbeat, 40 s by default), and their journal says \
            what already happened, so nothing is done twice. Credentials come from the store, opened with \
            SHEEN_MASTER_KEY or the key file.

            Examples:
              sheen worker --store postgres://sheen@db:5432/sheen --concurrency 8
              SHEEN_STORE=postgres://sheen@db:5432/sheen sheen worker --json
            """
    )

    @Option(name: [.customLong("store"), .customLong("state")], help: storeHelp)
    var store: String?

    @Option(name: .long, help: ArgumentHelp("Steps this worker runs at once.", valueName: "n"))
    var concurrency = 4

    @Option(
        name: .long, help: ArgumentHelp("Seconds a claim holds without a heartbeat.", valueName: "seconds"))
    var lease = 30.0

    @Option(
        name: .long,
        help: ArgumentHelp("Seconds between heartbeats (at most a third of the lease).", valueName: "seconds"))
    var heartbeat = 10.0

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Directory under which 'recipe.env-file' steps write <project>/.env.<env> (default: .sheen/worker).",
            valueName: "dir"))
    var projectRoot = ".sheen/worker"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "This worker's name in claims and logs (default: its process, host and a random tag).", valueName: "name"))
    var name: String?

    @Option(name: .long, help: ArgumentHelp("Exit after this many seconds with nothing to do.", valueName: "seconds"))
    var idleExit: Double?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Seconds one provider call may take before it counts as timed out.", valueName: "seconds"))
    var stepTimeout = 600

    @Option(name: .long, help: .hidden)
    var stepLatencyMs = 0

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        let language = global.language
        guard (1...1000).contains(concurrency) else { throw ValidationError(CLIMessage.parallelismRange(language)) }
        guard lease >= 1, heartbeat > 0, heartbeat * 3 <= lease else {
            throw ValidationError(CLIMessage.workerTimings(language))
        }
        if case .file = try storeLocation(store, language: language) {
            throw ValidationError(CLIMessage.workerNeedsPostgres(language))
        }
    }

    func run() async throws {
        let language = global.language
        let opened = try await openStore(store, language: language)
        let catalog = try CatalogSession(options: global).catalog
        let queue = try await reportingApplicationErrors(language: language) {
            try EnqueueService.queue(of: opened.state)
        }
        let keys = DeferredKeyProvider(environment: ProcessInfo.processInfo.environment)
        let worker = WorkerService(
            queue: queue, store: opened.state, catalog: catalog,
            connections: ConnectionService(store: opened.state, keys: keys, catalog: catalog), events: opened.events,
            settings: ApplySettings(
                stepLatency: .milliseconds(stepLatencyMs),
                dataLedgerPath: ProcessInfo.processInfo.environment["SHEEN_DATA_LEDGER"],
                stepTimeout: .seconds(stepTimeout)), name: name)
        let json = global.json
        let location = try storeLocation(store, language: language)
        if json {
            Console.out(
                JSONValue.object([
                    "type": .string("started"), "worker": .string(worker.name), "concurrency": .int(concurrency),
                ]).compact)
        } else {
            Console.out(
                CLIMessage.workerStarted(name: worker.name, concurrency: concurrency, store: "\(location)")(language))
        }
        let tally = WorkerTally()
        do {
            try await interruptible(on: [SIGINT, SIGTERM]) {
                try await worker.run(
                    WorkerService.Options(
                        concurrency: concurrency, lease: .milliseconds(Int64(lease * 1000)),
                        heartbeat: .milliseconds(Int64(heartbeat * 1000)),
                        poll: .milliseconds(Int64(min(heartbeat, 0.5) * 1000)), projectRoot: projectRoot),
                    idleExit: idleExit.map { .milliseconds(Int64($0 * 1000)) }
                ) { event in
                    tally.count(event)
                    Console.out(json ? WorkerLine.json(event).compact : WorkerLine.text(event))
                }
            }
        } catch is CancellationError {}
        let (done, failed) = tally.totals
        if !json { Console.out(CLIMessage.workerStopped(done: done, failed: failed)(language)) }
        await opened.close()
    }
}

/// How many steps a worker finished, for its closing line.
final class WorkerTally: Sendable {
    private let counts = Mutex((done: 0, failed: 0))

    func count(_ event: WorkerService.Event) {
        guard case .finished(_, let outcome, _) = event else { return }
        counts.withLock { value in
            if case .failed = outcome { value.failed += 1 } else { value.done += 1 }
        }
    }

    var totals: (done: Int, failed: Int) { counts.withLock { ($0.done, $0.failed) } }
}

/// One line per worker event.
enum WorkerLine {
    static func text(_ event: WorkerService.Event) -> String {
        switch event {
        case .claimed(let claim):
            "… \(claim.scope) \(claim.stepID) (run \(claim.run)\(claim.reclaimed ? ", taken over" : ""))"
        case .finished(let claim, .succeeded, let duration):
            "✓ \(claim.scope) \(claim.stepID) (run \(claim.run), \(Int(duration.seconds * 1000)) ms)"
        case .finished(let claim, .failed(let message), _):
            "✗ \(claim.scope) \(claim.stepID) (run \(claim.run)): \(message)"
        case .lost(let claim):
            "! \(claim.scope) \(claim.stepID) (run \(claim.run)): another worker holds it now; stopped"
        case .released(let claim, let reason):
            "! \(claim.scope) \(claim.stepID) (run \(claim.run)) given back: \(reason)"
        }
    }

    static func json(_ event: WorkerService.Event) -> JSONValue {
        func base(_ type: String, _ claim: StepClaim) -> [String: JSONValue] {
            [
                "type": .string(type), "run": .int(Int(claim.run)), "scope": .string("\(claim.scope)"),
                "step": .string(claim.stepID),
            ]
        }
        switch event {
        case .claimed(let claim):
            var object = base("claimed", claim)
            object["reclaimed"] = .bool(claim.reclaimed)
            return .object(object)
        case .finished(let claim, .succeeded, let duration):
            var object = base("succeeded", claim)
            object["ms"] = .int(Int(duration.seconds * 1000))
            return .object(object)
        case .finished(let claim, .failed(let message), _):
            var object = base("failed", claim)
            object["error"] = .string(message)
            return .object(object)
        case .lost(let claim):
            return .object(base("lost", claim))
        case .released(let claim, let reason):
            var object = base("released", claim)
            object["reason"] = .string(reason)
            return .object(object)
        }
    }
}
