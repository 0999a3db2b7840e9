import Foundation
import SheenWebhooks

/// How long stored webhook events are kept: sealed raw bodies for `bodyHours`, finished rows (and with them their
/// dedup keys) for `rowHours`. Rows must outlive the providers' redelivery window, or a late redelivery would be
/// processed twice.
public struct EventRetention: Sendable, Hashable {
    /// Providers redeliver for up to three days (Stripe: 3 days, Standard Webhooks: about 27 hours, Tap: 3 days).
    public static let minimumRowHours = 76

    public var bodyHours: Int
    public var rowHours: Int

    public init(bodyHours: Int = 168, rowHours: Int = 168) {
        self.bodyHours = bodyHours
        self.rowHours = rowHours
    }

    /// Whether the dedup window is long enough and the body TTL not negative.
    public var isValid: Bool { rowHours >= Self.minimumRowHours && bodyHours >= 0 }

    /// Drops what has outlived its time; `nil` when the settings are invalid (nothing is dropped then).
    public func purge(_ events: any EventStore, now: Date) async throws -> (bodies: Int, rows: Int)? {
        guard isValid else { return nil }
        return try await events.purge(
            bodiesBefore: now.addingTimeInterval(-Double(bodyHours) * 3600),
            rowsBefore: now.addingTimeInterval(-Double(rowHours) * 3600))
    }
}
