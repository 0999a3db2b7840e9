import Foundation
import SheenCatalog
import SheenModel

/// Paths into the source tree, which `swift test` runs beside.
enum Fixtures {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let goldens = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Goldens")

    /// The catalog shipped in the repository, loaded once.
    static let shippedCatalog: Catalog = CatalogLoader(displayBase: repository.path).load(catalogAt: repository.path)
        .catalog

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sheen-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
