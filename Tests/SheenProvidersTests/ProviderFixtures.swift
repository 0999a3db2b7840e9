import Foundation
import SheenCatalog
import SheenModel

enum ProviderFixtures {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let catalog = CatalogLoader(displayBase: repository.path).load(catalogAt: repository.path).catalog
}
