import Foundation
import SheenCatalog
import SheenModel
import SheenPlanner

enum PlannerFixtures {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let goldens = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Goldens")

    static let catalog: Catalog = CatalogLoader(displayBase: repository.path).load(catalogAt: repository.path).catalog

    static let menaMarkets = ["SA", "AE", "KW", "BH", "QA", "OM", "EG"]

    static func markets(_ codes: [String]) -> [CountryCode] { codes.compactMap(CountryCode.init(rawValue:)) }
    static func currencies(_ codes: [String]) -> [CurrencyCode] { codes.compactMap(CurrencyCode.init(rawValue:)) }

    static func request(
        _ recipe: String, markets: [String], currencies: [String] = [], environment: DeploymentEnvironment = .dev,
        pins: [String: String] = [:], residency: Project.Residency? = nil, disabled: Set<String> = []
    ) throws -> PlanRequest {
        guard let recipe = catalog.recipes[recipe] else { throw FixtureError.missingRecipe(recipe) }
        return PlanRequest(
            projectName: "souq", recipe: recipe, markets: Self.markets(markets),
            currencies: Self.currencies(currencies),
            environment: environment, residency: residency, pins: pins, disabledSlots: disabled)
    }

    enum FixtureError: Error { case missingRecipe(String) }
}

extension [SlotResolution] {
    subscript(slot name: String) -> SlotResolution? { first { $0.slot == name } }
}
