import Foundation
import SheenAuth
import SheenEngine
import SheenModel
import SheenPlanner
import SheenSimulator
import Testing

@testable import SheenProviders

/// Every shipped recipe launched whole against the simulators, through the real engine wiring: each of its markets
/// once, alternating dev and prod so every recipe and every market meets both environments across the matrix
/// (pairwise, not every combination). Each launch must finish with every step done; the next plan must change
/// nothing and its apply must call no simulator.
@Suite("Launch matrix: every recipe, each of its markets, dev and prod, against the simulators")
struct LaunchMatrixTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var market: String
        var environment: DeploymentEnvironment
        var testDescription: String { "\(market) \(environment.rawValue)" }
    }

    /// The rows of `recipe`: its markets in order, the environment alternating, starting from the recipe's place
    /// in the catalog so the first market of one recipe is dev and of the next is prod.
    static func rows(_ recipe: String) -> [Row] {
        let recipes = ProviderFixtures.catalog.recipes.keys.sorted()
        let offset = recipes.firstIndex(of: recipe) ?? 0
        let markets = ProviderFixtures.catalog.recipes[recipe]?.markets ?? []
        return markets.enumerated().map { index, market in
            Row(market: market.rawValue, environment: (index + offset) % 2 == 0 ? .dev : .prod)
        }
    }

    @Test("the pairwise rows cover every market of every recipe, and both environments in each recipe and market")
    func coverage() {
        var marketEnvironments: [String: Set<DeploymentEnvironment>] = [:]
        for recipe in ProviderFixtures.catalog.recipes.keys {
            let rows = Self.rows(recipe)
            #expect(
                Set(rows.map(\.market)) == Set(ProviderFixtures.catalog.recipes[recipe]?.markets.map(\.rawValue) ?? []))
            #expect(Set(rows.map(\.environment)) == [.dev, .prod], "\(recipe)")
            for row in rows { marketEnvironments[row.market, default: []].insert(row.environment) }
        }
        let single = marketEnvironments.filter { $0.value.count < 2 }.keys.sorted()
        #expect(single.isEmpty, "markets seen in one environment only: \(single)")
    }

    @Test(
        "each market and environment launches whole; a second apply calls nothing",
        arguments: [
            "ai-application", "arabic-ecommerce", "enterprise-b2b", "global-saas", "saas-mena", "service-business-mena",
        ])
    func launch(recipe: String) async throws {
        #expect(ProviderFixtures.catalog.recipes[recipe] != nil)
        for row in Self.rows(recipe) {
            try await Self.launch(recipe, row)
        }
    }

    static func launch(_ recipe: String, _ row: Row) async throws {
        let harness = try await SandboxHarness.start(environment: row.environment)
        defer { harness.stop() }
        // The providers this plan binds, each behind its own simulator.
        let first = try await harness.plan(recipe, markets: [row.market], providers: nil)
        var servers: [LoopbackServer] = []
        defer { for server in servers { server.stop() } }
        var requests: [RequestCounter] = []
        for provider in Set(first.missingConnections.map(\.provider)).sorted() {
            guard let entry = Sandbox.provider(provider) else {
                Issue.record("\(recipe) \(row.testDescription): \(provider) has no simulator")
                continue
            }
            let (server, _, counter) = try await Sandbox.simulate(provider)
            servers.append(server)
            requests.append(counter)
            try await harness.connect(provider, base: "http://127.0.0.1:\(server.port)", credentials: entry.credentials)
        }
        let report = try await harness.launchTwice(recipe, markets: [row.market], providers: nil, requests: requests)
        #expect(report.skipped.isEmpty, "\(recipe) \(row.testDescription): skipped \(report.skipped)")
        #expect(report.succeeded.count > 5, "\(recipe) \(row.testDescription): \(report.succeeded)")
    }
}
