import Foundation
import Hummingbird
import SheenAuth
import SheenCatalog
import SheenEngine
import SheenModel
import Testing

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

extension StepFailure {
    /// The URL a waiting step says to open; `nil` (with the test failed) when the step is not waiting or names none.
    var waitingURL: String? {
        guard case .waiting(let next) = kind else {
            Issue.record("expected a waiting step, got \(self)")
            return nil
        }
        return next.split(separator: " ").first { $0.hasPrefix("http") }.map(String.init)
    }
}
