import Foundation
import SheenModel
import SheenPlanner
import Testing

/// Pins the text and JSON plan of every shipped recipe, in dev and prod, for the seven MENA markets.
/// `SHEEN_RECORD_GOLDENS=1` rewrites the files; review the diff before committing.
@Suite("Plan goldens")
struct PlanGoldenTests {
    static let recipes = [
        "arabic-ecommerce", "service-business-mena", "saas-mena", "global-saas", "enterprise-b2b", "ai-application",
    ]

    @Test("text and JSON plans match the goldens", arguments: recipes, [DeploymentEnvironment.dev, .prod])
    func golden(recipe: String, environment: DeploymentEnvironment) throws {
        let request = try PlannerFixtures.request(
            recipe, markets: PlannerFixtures.menaMarkets, environment: environment)
        let plan = try PlanBuilder(catalog: PlannerFixtures.catalog).plan(request, state: InMemoryStateSnapshot())
        var outputs = [
            "\(recipe).\(environment.rawValue).txt": PlanTextRenderer(language: .en, catalog: PlannerFixtures.catalog)
                .render(plan),
            "\(recipe).\(environment.rawValue).json": PlanJSONRenderer.render(plan),
        ]
        if recipe == "arabic-ecommerce", environment == .dev {
            outputs["\(recipe).\(environment.rawValue).ar.txt"] = PlanTextRenderer(
                language: .ar, catalog: PlannerFixtures.catalog
            ).render(plan)
            outputs["\(recipe).\(environment.rawValue).dot"] = GraphRenderer.render(plan, as: .dot)
            outputs["\(recipe).\(environment.rawValue).mmd"] = GraphRenderer.render(plan, as: .mermaid)
        }
        for (name, rendered) in outputs {
            let file = PlannerFixtures.goldens.appendingPathComponent(name)
            if ProcessInfo.processInfo.environment["SHEEN_RECORD_GOLDENS"] == "1" {
                try rendered.write(to: file, atomically: true, encoding: .utf8)
            }
            let expected = try String(contentsOf: file, encoding: .utf8)
            #expect(rendered == expected, "\(name) differs from its golden")
        }
    }
}
