import ArgumentParser
import Foundation
import SheenApplication
import SheenModel
import SheenSimulator

struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Local simulators of providers' APIs: run them, connect a project to them, read what they saw.",
        discussion: """
            Each simulator speaks its provider's API (paths, auth, request and error shapes, idempotency, signed \
            webhooks) on its own loopback port, and keeps its state and ledger in .sheen/sandbox/<provider>.json, so \
            your own tests can point at it too. Simulated now: \(Sandbox.providers.map(\.id).joined(separator: ", ")).

            Example:
              sheen sandbox serve &           # stripe on http://127.0.0.1:4010
              sheen sandbox connect           # sandbox connections for this project
              sheen apply
              sheen sandbox ledger --provider stripe
            """,
        subcommands: [Serve.self, Connect.self, Ledger.self])

    struct Where: ParsableArguments {
        @Option(
            name: .long,
            help: ArgumentHelp(
                "First port; each simulator takes the next (default: \(Sandbox.defaultPortBase); 0 picks free ones).",
                valueName: "port"))
        var portBase = Sandbox.defaultPortBase

        @Option(
            name: .long, help: ArgumentHelp("Where simulators keep state (default: .sheen/sandbox).", valueName: "dir"))
        var stateDir = ".sheen/sandbox"
    }

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the simulators until interrupted; print each one's base URL and test credentials.")

        @Option(name: .customLong("provider"), help: ArgumentHelp("Only these (repeatable).", valueName: "provider"))
        var providers: [String] = []

        @Option(
            name: .long,
            help: ArgumentHelp(
                "A JSON fault plan; any of: rateLimited, serverErrors, connectionResets, timeouts, stallMilliseconds, resetsAfterCommit, holdAfterCommitMilliseconds, holdPathPrefix, latencyMilliseconds, errorRate, seed, requestsPerSecond, duplicateWebhooks, webhookDelayMilliseconds.",
                valueName: "file"))
        var faults: String?

        @OptionGroup var location: Where
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let language = global.language
            var plan = FaultPlan()
            if let faults {
                guard let data = FileManager.default.contents(atPath: faults),
                    let decoded = try? JSONDecoder().decode(FaultPlan.self, from: data)
                else { throw ValidationError(CLIMessage.badFaultPlan(faults)(language)) }
                plan = decoded
            }
            try FileManager.default.createDirectory(atPath: location.stateDir, withIntermediateDirectories: true)
            let running: [Sandbox.Running]
            do {
                running = try await Sandbox.start(
                    providers, portBase: location.portBase, directory: location.stateDir, faults: plan)
            } catch {
                throw Console.failure(CLIMessage.sandboxFailed(error)(language), language: language)
            }
            if global.json {
                try Console.json(
                    Dictionary(
                        uniqueKeysWithValues: running.map {
                            ($0.provider, SandboxJSON(baseURL: $0.baseURL, credentials: $0.credentials))
                        }))
            } else {
                for simulator in running {
                    Console.out("\(simulator.provider)  \(simulator.baseURL)")
                    for (field, value) in simulator.credentials.sorted(by: { $0.key < $1.key }) {
                        Console.out("  \(field): \(value)")
                    }
                }
                Console.out(CLIMessage.sandboxRunning(language))
            }
            // Interrupting ends the process: every change was written to its state file before it was answered.
            for simulator in running { await simulator.wait() }
        }
    }

    struct SandboxJSON: Encodable {
        var baseURL: String
        var credentials: [String: String]

        enum CodingKeys: String, CodingKey {
            case baseURL = "base_url"
            case credentials
        }
    }

    struct Connect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create sandbox connections for this project that point at 'sheen sandbox serve'.")

        @Option(name: .customLong("provider"), help: ArgumentHelp("Only these (repeatable).", valueName: "provider"))
        var providers: [String] = []

        @Option(name: .long, help: ArgumentHelp("Environment (default: dev).", valueName: "env"))
        var env: DeploymentEnvironment = .dev

        @OptionGroup var location: Where
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let language = global.language
            let catalog = try CatalogSession(options: global).catalog
            let (project, service) = try await connection.service(global: global, catalog: catalog)
            let outcomes = try await reportingConnectionErrors(language: language) {
                try await SandboxService(connections: service).connect(
                    project: project, environment: env, providers: providers, portBase: location.portBase,
                    publicURL: try? connection.projectFile(language: language).webhookPublicURL)
            }
            for outcome in outcomes {
                switch outcome {
                case .connected(let reference, let baseURL):
                    Console.out(CLIMessage.sandboxConnected(reference, baseURL)(language))
                case .kept(let reference, let sandbox):
                    Console.out(CLIMessage.sandboxKept(reference, sandbox: sandbox)(language))
                case .dashboard(let reference, let set):
                    Console.out(CLIMessage.sandboxDashboard(reference, set: set)(language))
                }
            }
        }
    }

    struct Ledger: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "What each simulator did, oldest first.")

        @Option(name: .long, help: ArgumentHelp("Only this provider's.", valueName: "provider"))
        var provider: String?

        @OptionGroup var location: Where
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let ids = provider.map { [$0] } ?? Sandbox.providers.map(\.id)
            var all: [String: [LedgerEntry]] = [:]
            for id in ids {
                guard Sandbox.provider(id) != nil else {
                    throw ValidationError(
                        CLIMessage.sandboxFailed(.unknownProvider(id, known: Sandbox.providers.map(\.id)))(
                            global.language))
                }
                all[id] = try Sandbox.ledger(of: id, in: location.stateDir)
            }
            if global.json {
                try Console.json(all)
            } else {
                for id in ids {
                    for entry in all[id] ?? [] {
                        Console.out(
                            "\(id)  \(entry.sequence)  \(ISO8601DateFormatter().string(from: entry.at))  \(entry.kind)  \(entry.id)"
                        )
                    }
                }
            }
        }
    }
}
