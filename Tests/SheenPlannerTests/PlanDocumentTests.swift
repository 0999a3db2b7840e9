import Foundation
import SheenModel
import SheenPlanner
import Testing

@Suite("Plan document")
struct PlanDocumentTests {
    static func roundTrip(_ plan: Plan) throws -> (Plan, String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("plan-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: file) }
        let written = PlanDocument(plan).rendered
        try Data(written.utf8).write(to: file)
        return (try SavedPlan.load(contentsOf: file.path).plan, written)
    }

    @Test(
        "every recipe's plan reads back whole: the same bytes when written again, titles, resolutions, checklist, inputs",
        arguments: [
            "ai-application", "arabic-ecommerce", "enterprise-b2b", "global-saas", "saas-mena", "service-business-mena",
        ])
    func roundTrip(recipe: String) throws {
        let request = try PlannerFixtures.request(recipe, markets: ["SA", "EG", "AE"], environment: .prod)
        let plan = try PlanBuilder(catalog: PlannerFixtures.catalog).plan(request, state: InMemoryStateSnapshot())
        let (read, written) = try Self.roundTrip(plan)
        #expect(PlanDocument(read).rendered == written)
        #expect(read.recipe == plan.recipe)
        #expect(read.resolutions == plan.resolutions)
        #expect(read.checklist == plan.checklist)
        #expect(read.nodes == plan.nodes)
        #expect(read.costs == plan.costs)
        // A budget keeps the limit that applies to the plan's environment, not the manifest's environment list.
        #expect(read.rateBudgets.map(\.limit?.ratePerSecond) == plan.rateBudgets.map(\.limit?.ratePerSecond))
        #expect(read.nodes.contains { $0.title != nil } && read.nodes.contains { !$0.inputs.isEmpty })
    }

    @Test("a broken plan file is refused with the place named")
    func brokenFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("broken-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: file) }
        let plan = try PlanBuilder(catalog: PlannerFixtures.catalog).plan(
            try PlannerFixtures.request("arabic-ecommerce", markets: ["KW"]), state: InMemoryStateSnapshot())
        let text = PlanDocument(plan).rendered.replacingOccurrences(of: "\"level\": 0", with: "\"level\": \"zero\"")
        try Data(text.utf8).write(to: file)
        #expect {
            _ = try SavedPlan.load(contentsOf: file.path)
        } throws: { error in
            (error as? PlanError)?.message(in: .en).contains("nodes[0].level") == true
        }
        try Data("{\"format_version\": \"2.0\"}".utf8).write(to: file)
        #expect {
            _ = try SavedPlan.load(contentsOf: file.path)
        } throws: { error in
            (error as? PlanError)?.message(in: .en).contains("this sheen reads 1.x") == true
        }
    }
}
