import SheenPlanner

/// What the executor reports as it goes, for progress views and `--json` event streams.
public enum ExecutionEvent: Sendable {
    case started(total: Int, toRun: Int)
    case stepStarted(id: String, action: StepAction, attempt: Int)
    case stepSucceeded(id: String, action: StepAction, reconciled: Bool, duration: Duration)
    case stepFailed(id: String, failure: StepFailure)
    case stepSkipped(id: String, because: String)
    case retryScheduled(id: String, attempt: Int, wait: Duration, failure: StepFailure)
    case rateLimited(id: String, wait: Duration)
    case finished(ExecutionReport)
}

/// The outcome of a run.
public struct ExecutionReport: Sendable {
    public var succeeded: [String] = []
    /// Steps found already done at the provider after an interruption, and recorded without a second call.
    public var reconciled: [String] = []
    public var failed: [String: StepFailure] = [:]
    public var skipped: [String] = []
    public var unchanged = 0
    /// Adapter calls made (observe, create, update, delete): zero for a no-op apply.
    public var calls = 0
    public var cancelled = false
    public var duration: Duration = .zero

    public init() {}

    public var ok: Bool { failed.isEmpty && skipped.isEmpty && !cancelled }
}

/// How the executor runs a plan.
public struct ExecutionOptions: Sendable {
    public var parallelism: Int
    public var retry: RetryPolicy
    /// Wall-clock limit for one call (timeouts use the system clock even when the engine's clock is virtual).
    public var stepTimeout: Duration
    /// Keep running independent steps after a failure (dependents are skipped either way).
    public var continueOnError: Bool

    public init(
        parallelism: Int = 10, retry: RetryPolicy = RetryPolicy(), stepTimeout: Duration = .seconds(600),
        continueOnError: Bool = true
    ) {
        self.parallelism = max(1, parallelism)
        self.retry = retry
        self.stepTimeout = stepTimeout
        self.continueOnError = continueOnError
    }
}
