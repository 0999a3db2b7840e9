import Foundation
import SheenSecrets

/// Why a step call failed, classified so the engine knows whether to retry.
public struct StepFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The request may not have arrived: connection refused, reset, DNS.
        case network
        /// The step did not finish within its timeout.
        case timeout
        /// The provider answered with an HTTP status (and maybe a `Retry-After` value, unparsed).
        case http(status: Int, retryAfter: String?)
        /// The connection's circuit breaker is open.
        case circuitOpen(retryAt: Date)
        /// No adapter implements the step's kind.
        case unsupported
        /// Anything else the adapter reports as final.
        case invalid
        /// The step waits on a person or a provider (a 3-D Secure or BNPL redirect, a template review) beyond its
        /// polling budget; `next` says what to do. The run goes on without it; the next run observes it again.
        case waiting(next: String)
    }

    public var kind: Kind
    /// For the user: what happened and how to fix it. Never a secret.
    public var message: String

    public init(_ kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    /// Network errors, timeouts, 408, 409, 429 and 5xx are worth retrying; other 4xx mean the request itself is wrong.
    public var isRetryable: Bool {
        switch kind {
        case .network, .timeout, .circuitOpen: true
        // 420 is the older "slow down" some providers still send for their rate limit (Cloudinary).
        case .http(let status, _):
            status == 408 || status == 409 || status == 420 || status == 429 || (500...599).contains(status)
        case .unsupported, .invalid, .waiting: false
        }
    }

    /// Whether the failure counts against the connection's breaker.
    public var tripsBreaker: Bool {
        switch kind {
        case .network, .timeout: true
        case .http(let status, _): status == 420 || status == 429 || (500...599).contains(status)
        case .circuitOpen, .unsupported, .invalid, .waiting: false
        }
    }

    /// A short stable name for the journal and `--json` events.
    public var errorClass: String {
        switch kind {
        case .network: "network"
        case .timeout: "timeout"
        case .http(let status, _): "http-\(status)"
        case .circuitOpen: "circuit-open"
        case .unsupported: "unsupported"
        case .invalid: "invalid"
        case .waiting: Self.waitingClass
        }
    }

    /// The journal's error class of a step that waits.
    public static let waitingClass = "waiting"

    public var description: String { "\(errorClass): \(message)" }

    /// A hint for failures that retrying will not fix.
    public var hint: String? {
        switch kind {
        case .http(401, _), .http(403, _): "check the connection's credentials for this environment"
        case .http(404, _): "the resource is gone at the provider; run 'sheen plan' to see what will be recreated"
        case .http(let status, _) where (400...499).contains(status):
            "the provider rejected the request; fix the input and run 'sheen apply' again"
        case .unsupported: "this step kind has no adapter yet"
        case .waiting(let next): "\(next); then run 'sheen apply' (or 'sheen resume') to pick it up"
        default: nil
        }
    }

    /// The same failure with every credential spelling `redactor` knows masked out of its message.
    public func redacted(_ redactor: Redactor) -> StepFailure {
        var copy = self
        copy.message = redactor.redact(message)
        return copy
    }
}
