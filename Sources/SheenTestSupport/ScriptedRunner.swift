import Foundation
import SheenEngine
import Synchronization

/// A step runner that answers from a script and records every call, for executor tests.
public final class ScriptedRunner: StepRunner {
    public enum Call: Sendable, Hashable {
        case observe(String)
        case create(String)
        case update(String)
        case delete(String)
    }

    private let state:
        Mutex<(calls: [Call], failures: [String: [StepFailure]], created: Set<String>, keys: [String: [String]])>
    private let hang: Set<String>
    private let observeFinds: Set<String>

    /// - Parameters:
    ///   - failures: per step id, failures to throw from create/update before succeeding, in order.
    ///   - hang: step ids whose calls never return (for timeouts).
    ///   - observeFinds: step ids whose `observe` reports them as already created.
    public init(failures: [String: [StepFailure]] = [:], hang: Set<String> = [], observeFinds: Set<String> = []) {
        state = Mutex(([], failures, [], [:]))
        self.hang = hang
        self.observeFinds = observeFinds
    }

    public var calls: [Call] { state.withLock { $0.calls } }

    /// The idempotency keys sent with each step's creates and updates, in order.
    public func keys(of id: String) -> [String] { state.withLock { $0.keys[id] ?? [] } }

    public func creates(of id: String) -> Int { calls.count { $0 == .create(id) || $0 == .update(id) } }

    public func observe(_ context: StepContext) async throws -> StepResult? {
        let found = state.withLock { value -> Bool in
            value.calls.append(.observe(context.stepID))
            return observeFinds.contains(context.stepID) || value.created.contains(context.stepID)
        }
        return found ? StepResult(outputs: ["hash": context.inputHash]) : nil
    }

    public func create(_ context: StepContext) async throws -> StepResult {
        try await perform(.create(context.stepID), context)
    }

    public func update(_ context: StepContext) async throws -> StepResult {
        try await perform(.update(context.stepID), context)
    }

    public func delete(_ context: StepContext) async throws {
        state.withLock { $0.calls.append(.delete(context.stepID)) }
    }

    private func perform(_ call: Call, _ context: StepContext) async throws -> StepResult {
        let failure = state.withLock { value -> StepFailure? in
            value.calls.append(call)
            value.keys[context.stepID, default: []].append(context.idempotencyKey)
            if var queue = value.failures[context.stepID], !queue.isEmpty {
                let next = queue.removeFirst()
                value.failures[context.stepID] = queue
                return next
            }
            value.created.insert(context.stepID)
            return nil
        }
        if hang.contains(context.stepID) {
            try await Task.sleep(for: .seconds(3600))
        }
        if let failure { throw failure }
        return StepResult(
            outputs: ["hash": context.inputHash, "secret_token": "s3cr3t"], externalID: "ext-\(context.stepID)")
    }
}
