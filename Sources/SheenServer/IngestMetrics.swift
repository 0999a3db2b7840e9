import Metrics
import Prometheus
import SheenApplication

/// What `sheen serve` counts, exposed at `GET /metrics` in Prometheus's text format.
///
/// Recorded through swift-metrics (so a deployment could hand the same calls to another backend) into a registry of
/// the server's own rather than the process-wide one: tests run several servers in one process, and each must count
/// only its own deliveries.
public struct IngestMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory

    static let ackLabel = "sheen_webhook_ack_seconds"

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // The target is p99 < 25 ms: buckets fine around it, coarse beyond.
        factory.durationHistogramBuckets[Self.ackLabel] = [1, 2.5, 5, 10, 15, 20, 25, 50, 100, 250, 1000, 5000].map {
            Duration.microseconds(Int64($0 * 1000))
        }
        self.factory = factory
    }

    func received(_ provider: String) { count("sheen_webhooks_received_total", [("provider", provider)]) }

    func stored(_ provider: String, duplicate: Bool) {
        count("sheen_webhooks_verified_total", [("provider", provider)])
        if duplicate { count("sheen_webhooks_duplicates_total", [("provider", provider)]) }
    }

    func rejected(_ provider: String, reason: String) {
        count("sheen_webhooks_rejected_total", [("provider", provider), ("reason", reason)])
    }

    /// Time from the request's arrival to its answer, whatever the answer.
    func acknowledged(after duration: Duration) {
        let (seconds, attoseconds) = duration.components
        Timer(label: Self.ackLabel, factory: factory).recordNanoseconds(
            seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    func processed(_ pass: EventProcessor.Pass) {
        if pass.processed > 0 { count("sheen_events_processed_total", [], by: pass.processed) }
        if pass.retried > 0 { count("sheen_events_retried_total", [], by: pass.retried) }
        if pass.deadLettered > 0 { count("sheen_events_dead_lettered_total", [], by: pass.deadLettered) }
    }

    /// Every metric in Prometheus's text exposition format.
    public func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }

    private func count(_ label: String, _ dimensions: [(String, String)], by amount: Int = 1) {
        Counter(label: label, dimensions: dimensions, factory: factory).increment(by: amount)
    }
}
