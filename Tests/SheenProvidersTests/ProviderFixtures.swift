import Foundation
import Hummingbird
import SheenAuth
import SheenCatalog
import SheenModel

enum ProviderFixtures {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let catalog = CatalogLoader(displayBase: repository.path).load(catalogAt: repository.path).catalog
}

/// A simulator served on loopback, and the base URL adapters reach it at.
struct Simulated<Simulator: Sendable>: Sendable {
    let simulator: Simulator
    let server: LoopbackServer
    var base: String { "http://127.0.0.1:\(server.port)" }

    static func serve(_ simulator: Simulator, _ router: Router<BasicRequestContext>) async throws -> Simulated {
        Simulated(simulator: simulator, server: try await LoopbackServer.start(router))
    }
}
