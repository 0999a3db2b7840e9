import Foundation
import PostgresNIO
import SheenEngine

extension PostgresStore: SharedGuards {
    public func takeToken(_ key: String, capacity: Int, ratePerSecond: Double) async throws -> Duration? {
        let rows = try await rows(
            "SELECT sheen_take_token(\(key), \(Double(max(1, capacity))), \(ratePerSecond)) AS wait")
        let wait = try rows.first?.value("wait", as: Double.self) ?? 0
        // Rounded up: waking a millisecond early would only meet the same refusal.
        return wait <= 0 ? nil : .milliseconds(Int64((wait * 1000).rounded(.up)))
    }

    public func breakerBeforeCall(_ connection: String, coolDown: Duration) async throws -> CircuitBreaker.Decision {
        let rows = try await rows(
            "SELECT sheen_breaker_before_call(\(connection), \(coolDown.seconds)) AS retry_at")
        guard let retryAt = try rows.first?.value("retry_at", as: Double?.self) else { return .allow }
        return .refuse(retryAt: Date(timeIntervalSince1970: retryAt))
    }

    public func breakerRecord(
        _ connection: String, success: Bool, failureThreshold: Int, coolDown: Duration
    ) async throws {
        try await execute(
            """
            SELECT sheen_breaker_record(\(connection), \(success), \(Int64(failureThreshold)), \(coolDown.seconds))
            """)
    }
}
