import Foundation
import SheenApplication
import SheenCatalog
import SheenEngine
import SheenModel
import SheenPlanner
import SheenStore
import SheenTestSupport
import Synchronization
import Testing

@Suite("Apply use case")
struct ApplyServiceTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let shipped = CatalogLoader(displayBase: repository.path).load(catalogAt: repository.path).catalog

    /// The shipped catalog with Tap limited to one request every two seconds, so every Tap call after the first waits.
    static func throttledCatalog() throws -> Catalog {
        var tap = try #require(shipped.providers["tap"])
        tap.rateLimits = [.init(requests: 1, perSeconds: 2, burst: 1, scope: .account)]
        return Catalog(
            capabilities: Array(shipped.capabilities.values),
            providers: shipped.sortedProviders.map { $0.id == "tap" ? tap : $0 },
            recipes: Array(shipped.recipes.values), checklists: Array(shipped.checklists.values))
    }

    static func request(_ catalog: Catalog) throws -> PlanRequest {
        PlanRequest(
            projectName: "souq", recipe: try #require(catalog.recipes["arabic-ecommerce"]),
            markets: [try #require(CountryCode(rawValue: "SA"))])
    }

    /// A scripted runner for every kind the plan uses, so the whole recipe can run.
    static func runners(for plan: Plan, _ runner: ScriptedRunner) -> RunnerRegistry {
        var registry = RunnerRegistry()
        for node in plan.nodes where node.role != .checklist { registry.register(runner, for: node.kind) }
        return registry
    }

    /// The rate-limit waits of one apply, in the order the engine announced them.
    final class Waits: Sendable {
        let events = Mutex<[String]>([])
        func handle(_ event: ExecutionEvent) {
            if case .rateLimited(let id, let wait) = event { events.withLock { $0.append("\(id) \(wait)") } }
        }
    }

    @Test("a saved plan is throttled by the manifests' rate limits exactly like a plan made on the spot")
    func savedPlanKeepsRateLimits() async throws {
        let catalog = try Self.throttledCatalog()
        let request = try Self.request(catalog)
        let plan = try PlanBuilder(catalog: catalog).plan(request, state: InMemoryStateSnapshot())
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("saved-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(PlanJSONRenderer.render(plan).utf8).write(to: file)
        let saved = try SavedPlan.load(contentsOf: file.path).plan

        func run(_ source: PlanSource) async throws -> (waits: [String], slept: [Duration]) {
            let clock = MockClock()
            let waits = Waits()
            let service = ApplyService(
                store: InMemoryStateStore(), catalog: catalog, settings: ApplySettings(parallelism: 1),
                runners: Self.runners(for: plan, ScriptedRunner()), clock: clock)
            let outcome = try await service.apply(source, confirm: { _ in true }, events: waits.handle)
            guard case .ran(let report) = outcome else { throw Failure("the apply did not run: \(outcome)") }
            #expect(report.ok)
            return (waits.events.withLock { $0 }, clock.sleeps)
        }
        let direct = try await run(.request(request))
        let fromFile = try await run(.saved(saved))
        let tapCalls = plan.nodes.count { $0.provider == "tap" && $0.role != .checklist }
        #expect(tapCalls > 2)
        #expect(direct.waits.count >= tapCalls - 1, "every Tap call after the first waits for a token")
        #expect(fromFile.waits == direct.waits)
        #expect(fromFile.slept == direct.slept)
    }

    @Test("steps skipped after a failed check plan as work and run once the check passes, on a real state file")
    func skippedStepsRunAfterTheFix() async throws {
        let catalog = Self.shipped
        let request = try Self.request(catalog)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skip-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStateStore(path: directory.appendingPathComponent("state.sqlite").path)
        let first = try PlanBuilder(catalog: catalog).plan(request, state: InMemoryStateSnapshot())
        let tapSteps = first.steps.filter { $0.provider == "tap" }.map(\.id)
        #expect(!tapSteps.isEmpty)

        // Given Tap's credential check fails,
        let failing = ScriptedRunner(
            failures: [
                "preflight.tap.credentials": [StepFailure(.http(status: 401, retryAfter: nil), message: "no key")]
            ])
        let broken = ApplyService(
            store: store, catalog: catalog, runners: Self.runners(for: first, failing), clock: MockClock())
        guard case .ran(let report) = try await broken.apply(.request(request), confirm: { _ in true }) else {
            throw Failure("the first apply did not run")
        }
        #expect(report.failed.keys.contains("preflight.tap.credentials"))
        #expect(Set(tapSteps).isSubset(of: Set(report.skipped)))

        // then the next plan runs Tap's steps again, as creates, because they never ran,
        let replanned = try PlanBuilder(catalog: catalog).plan(
            request, state: try await store.snapshot(PlanSource.request(request).scope))
        for id in tapSteps {
            let node = try #require(replanned.nodes.first { $0.id == id })
            #expect(
                node.action == .create && node.reason == .skippedPreviously, "\(id): \(String(describing: node.action))"
            )
        }

        // and once the check passes, a re-apply runs them and leaves every step succeeded.
        let fixed = ScriptedRunner()
        let healthy = ApplyService(
            store: store, catalog: catalog, runners: Self.runners(for: first, fixed), clock: MockClock())
        guard case .ran(let second) = try await healthy.apply(.request(request), confirm: { _ in true }) else {
            throw Failure("the re-apply did not run")
        }
        #expect(second.ok)
        for id in tapSteps { #expect(fixed.creates(of: id) == 1, "\(id) ran once") }
        let states = try await store.steps(in: PlanSource.request(request).scope)
        #expect(states.allSatisfy { $0.status == .succeeded })
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}
