import Foundation
import SheenModel

/// Everything an adapter gets for one call.
public struct StepContext: Sendable {
    public var stepID: String
    public var kind: String
    public var provider: String?
    public var environment: DeploymentEnvironment
    /// The planner's inputs for the step (base URL, markets, project…); never secrets.
    public var inputs: [String: String]
    /// The connection the call goes through (`provider/alias`); `nil` for steps that call no provider.
    public var connection: String?
    public var inputHash: String
    /// Identical across retries and restarts: send it as the provider's idempotency key where one is honoured.
    public var idempotencyKey: String
    /// What the store recorded from the last successful run (for update and delete).
    public var previousOutputs: [String: String]
    public var externalID: String?
    public var attempt: Int
    public var clock: any EngineClock
    /// The connection's credentials, decrypted on demand for this call only; plan inputs never hold secrets.
    public var credentials: CredentialAccess

    public init(
        stepID: String, kind: String, provider: String?, environment: DeploymentEnvironment,
        inputs: [String: String] = [:], connection: String? = nil, inputHash: String, idempotencyKey: String,
        previousOutputs: [String: String] = [:], externalID: String? = nil, attempt: Int = 1,
        clock: any EngineClock, credentials: CredentialAccess = .none
    ) {
        self.credentials = credentials
        self.stepID = stepID
        self.kind = kind
        self.provider = provider
        self.environment = environment
        self.inputs = inputs
        self.connection = connection
        self.inputHash = inputHash
        self.idempotencyKey = idempotencyKey
        self.previousOutputs = previousOutputs
        self.externalID = externalID
        self.attempt = attempt
        self.clock = clock
    }
}

/// What a successful call produced.
public struct StepResult: Sendable, Hashable {
    public var outputs: [String: String]
    public var externalID: String?

    public init(outputs: [String: String] = [:], externalID: String? = nil) {
        self.outputs = outputs
        self.externalID = externalID
    }
}

/// The operations a provider adapter implements for its step kinds: look at what exists, then converge.
///
/// `observe` finds what an earlier, interrupted attempt may already have created (by idempotency key, reference or
/// name); the engine calls it before re-sending a step it found in flight, so a crash never creates twice.
/// Adapters throw ``StepFailure`` so the engine can classify errors.
public protocol StepRunner: Sendable {
    func observe(_ context: StepContext) async throws -> StepResult?
    func create(_ context: StepContext) async throws -> StepResult
    func update(_ context: StepContext) async throws -> StepResult
    func delete(_ context: StepContext) async throws
}

/// Step kinds to the runners that implement them.
public struct RunnerRegistry: Sendable {
    private var runners: [String: any StepRunner] = [:]

    public init(_ runners: [String: any StepRunner] = [:]) {
        self.runners = runners
    }

    public mutating func register(_ runner: any StepRunner, for kind: String) {
        runners[kind] = runner
    }

    public func runner(for kind: String) -> (any StepRunner)? { runners[kind] }
}
