import Foundation
import SheenWebhooks

/// Processes stored events: each due event goes to the handlers registered for its type (and to those for every type),
/// is marked processed once they all succeed, is retried with exponential backoff when one fails, and is
/// dead-lettered with the reason after the last attempt.
public struct EventProcessor: Sendable {
    public typealias Handler = @Sendable (StoredEvent) async throws -> Void

    public let events: any EventStore
    public var handlers: [String: [Handler]]
    public var maxAttempts: Int
    public var baseDelay: TimeInterval
    /// How long a claimed event stays this processor's before another may take it (this one having died).
    public var claimLease: TimeInterval = 120
    public let now: @Sendable () -> Date

    public init(
        events: any EventStore, handlers: [String: [Handler]] = [:], maxAttempts: Int = 5, baseDelay: TimeInterval = 5,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.events = events
        self.handlers = handlers
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.now = now
    }

    /// What one pass did.
    public struct Pass: Sendable, Hashable {
        public var processed = 0
        public var retried = 0
        public var deadLettered = 0
    }

    /// Processes up to `limit` due events.
    public func runOnce(limit: Int = 200) async throws -> Pass {
        var pass = Pass()
        // Claimed, not just read: another receiver on the same store skips these while this one works on them.
        for event in try await events.claim(at: now(), limit: limit, lease: claimLease) {
            do {
                for handler in (handlers[event.event.type] ?? []) + (handlers["*"] ?? []) { try await handler(event) }
                if try await events.markProcessed(event.id, at: now()) { pass.processed += 1 }
            } catch {
                let attempt = event.attempts + 1
                if attempt >= maxAttempts {
                    try await events.markFailed(event.id, reason: "\(error)", retryAt: nil)
                    pass.deadLettered += 1
                } else {
                    let delay = baseDelay * pow(2, Double(attempt - 1))
                    try await events.markFailed(event.id, reason: "\(error)", retryAt: now().addingTimeInterval(delay))
                    pass.retried += 1
                }
            }
        }
        return pass
    }
}
