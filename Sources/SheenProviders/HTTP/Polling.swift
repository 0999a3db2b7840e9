import SheenEngine

/// Waiting on a provider within a budget: a step that would wait longer ends as ``StepFailure/Kind/waiting(next:)``
/// and the next run picks it up, so no apply holds its lock for a person to finish a redirect.
public enum Polling {
    /// Calls `check` every `interval` on the step's clock until it answers, or `budget` has passed (then `nil`).
    public static func until<T: Sendable>(
        _ context: StepContext, budget: Duration, every interval: Duration,
        _ check: () async throws -> T?
    ) async throws -> T? {
        var waited = Duration.zero
        while true {
            if let answer = try await check() { return answer }
            guard waited < budget else { return nil }
            try await context.clock.sleep(for: interval)
            waited += interval
        }
    }
}
