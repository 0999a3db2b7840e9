import Foundation
import SheenAuth
import SheenModel
import SheenSimulator
import Testing

/// Whole recipes through the CLI, as a user runs them against the simulators, with `sheen apply` SIGKILLed at a
/// seeded instant and `sheen resume`d: every step ends done, no simulator holds a side effect twice, the next plan
/// changes nothing and the next apply calls nothing. The rows are drawn, seeded, from the launch matrix.
@Suite("Whole-recipe launches under SIGKILL at seeded instants, through the CLI", .serialized)
struct SandboxLaunchKillTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var recipe: String
        var market: String
        var environment: String
        var instant: Int
        var testDescription: String { "\(recipe) \(market) \(environment) killed at \(instant) ms" }
    }

    static let rows: [Row] = {
        var random = SplitMix64(seed: 20_261_130)
        let recipes = [
            ("arabic-ecommerce", ["SA", "KW", "EG"]), ("enterprise-b2b", ["AE", "GB"]), ("saas-mena", ["QA", "EG"]),
            ("ai-application", ["AE", "DE"]),
        ]
        return recipes.enumerated().map { index, entry in
            let markets = entry.1
            return Row(
                recipe: entry.0, market: markets[Int(random.next() % UInt64(markets.count))],
                environment: index % 2 == 0 ? "dev" : "prod", instant: Int(random.next() % 1500) + 50)
        }
    }()

    @Test("killed, resumed: every step done, each side effect once, then nothing left to do", arguments: rows)
    func killAndResume(row: Row) async throws {
        let directory = try SheenBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var environment = ["SHEEN_KEYRING": directory.appendingPathComponent("k/keyring.json").path]
        let env = ["--env", row.environment]
        #expect(
            try await SheenBinary.run(
                ["init", row.recipe, "--market", row.market, "--env", "dev", "--env", "prod"], in: directory
            ).status == 0)
        // The providers the plan needs, each behind its own simulator, connected as the sandbox connects them.
        let planned = try await SheenBinary.run(["plan", "--json"] + env, in: directory, environment: environment)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(planned.stdout.utf8)) as? [String: Any])
        let needed = Set(
            (document["missing_connections"] as? [[String: Any]] ?? []).compactMap { $0["provider"] as? String })
        var servers: [LoopbackServer] = []
        defer { for server in servers { server.stop() } }
        var ledgers: [String: @Sendable () async -> [LedgerEntry]] = [:]
        for provider in needed.sorted() {
            let entry = try #require(Sandbox.provider(provider), "\(provider) has no simulator")
            let (server, ledger, _) = try await Sandbox.simulate(provider)
            servers.append(server)
            ledgers[provider] = ledger
            var connect =
                ["connect", provider, "--sandbox", "--base-url", "http://127.0.0.1:\(server.port)"] + env
            for (field, value) in entry.credentials.sorted(by: { $0.key < $1.key }) {
                let variable =
                    "SANDBOX_\(provider.uppercased().replacingOccurrences(of: "-", with: "_"))_\(field.uppercased())"
                environment[variable] = value
                connect += ["--field", "\(field)=@env:\(variable)"]
            }
            let connected = try await SheenBinary.run(connect, in: directory, environment: environment)
            #expect(connected.status == 0, "\(provider): \(connected.stderr)")
        }

        let process = Process()
        process.executableURL = SheenBinary.url
        process.arguments = ["apply", "--auto-approve", "--continue-on-error"] + env
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        try await Task.sleep(for: .milliseconds(row.instant))
        kill(process.processIdentifier, SIGKILL)
        await Task.detached { process.waitUntilExit() }.value

        let resumed = try await SheenBinary.run(["resume"] + env, in: directory, environment: environment)
        #expect(resumed.status == 0, "\(row.testDescription): \(resumed.stdout)\(resumed.stderr)")
        let plan = try await SheenBinary.run(
            ["plan", "--detailed-exitcode"] + env, in: directory, environment: environment)
        #expect(plan.status == 0, "\(row.testDescription): the next plan has changes\n\(plan.stdout)")
        let again = try await SheenBinary.run(
            ["apply", "--auto-approve", "--json"] + env, in: directory, environment: environment)
        let finished = again.stdout.split(separator: "\n").last.flatMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(finished?["calls"] as? Int == 0, "\(row.testDescription): \(again.stdout)")
        // A side effect recorded twice under the same key is a duplicate the kill caused.
        for (provider, ledger) in ledgers {
            var seen: [String: Int] = [:]
            for entry in await ledger() where entry.kind.hasSuffix(".created") {
                guard let key = entry.idempotencyKey else { continue }
                seen["\(entry.kind) \(key)", default: 0] += 1
            }
            let twice = seen.filter { $0.value > 1 }.keys.sorted()
            #expect(twice.isEmpty, "\(row.testDescription): \(provider) did \(twice) twice")
        }
    }
}
