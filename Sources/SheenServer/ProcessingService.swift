import Foundation
import Logging
import ServiceLifecycle
import SheenApplication

/// The receiver's background work as a service: process due events every `interval`, purge by `retention` every
/// `purgeInterval`. On graceful shutdown it finishes the pass in hand and stops; the HTTP server, stopped first,
/// has answered its requests by then.
struct ProcessingService: Service {
    let processor: EventProcessor
    let interval: Duration
    let retention: EventRetention
    let purgeInterval: Duration
    let metrics: IngestMetrics
    let logger: Logger
    /// Called after a pass that processed events (the checklist re-judged on the evidence that just arrived).
    var afterProcessing: (@Sendable (Int) async -> Void)?

    func run() async throws {
        let clock = ContinuousClock()
        // The first purge runs at start: a receiver restarted daily would otherwise never purge.
        var nextPurge = clock.now
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                let processed = try await processor.runOnce()
                metrics.processed(processed)
                if processed.processed > 0, let afterProcessing { await afterProcessing(processed.processed) }
            } catch {
                logger.error("processing failed; retrying", metadata: ["error": "\(error)"])
            }
            if clock.now >= nextPurge {
                nextPurge = clock.now.advanced(by: purgeInterval)
                do {
                    if let purged = try await retention.purge(processor.events, now: processor.now()),
                        purged.bodies + purged.rows > 0
                    {
                        logger.info("purged", metadata: ["bodies": "\(purged.bodies)", "rows": "\(purged.rows)"])
                    }
                } catch {
                    logger.error("purge failed; retrying later", metadata: ["error": "\(error)"])
                }
            }
            // A shutdown cuts the wait short, not a pass.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
