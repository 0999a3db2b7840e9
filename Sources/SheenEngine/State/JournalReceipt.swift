import Synchronization

/// The promise of a journal write: submitted at once, durable later.
///
/// Stores make transitions durable in the order they were submitted, so a caller whose own write became durable
/// knows every earlier submission is durable too. The executor relies on that to let a dependent journal its start
/// in the same group commit as its dependency's success.
public final class JournalReceipt: Sendable {
    private let state = Mutex<(done: Bool, error: (any Error)?, waiters: [CheckedContinuation<Void, any Error>])>(
        (false, nil, []))

    public init() {}

    /// A receipt that is already durable (or already failed).
    public static func completed(_ error: (any Error)? = nil) -> JournalReceipt {
        let receipt = JournalReceipt()
        receipt.complete(error)
        return receipt
    }

    public func complete(_ error: (any Error)? = nil) {
        let waiters = state.withLock { value -> [CheckedContinuation<Void, any Error>] in
            guard !value.done else { return [] }
            value.done = true
            value.error = error
            defer { value.waiters = [] }
            return value.waiters
        }
        for waiter in waiters {
            if let error { waiter.resume(throwing: error) } else { waiter.resume() }
        }
    }

    /// Returns once the write is durable; throws if it failed.
    public func durable() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let outcome = state.withLock { value -> (done: Bool, error: (any Error)?) in
                if !value.done { value.waiters.append(continuation) }
                return (value.done, value.error)
            }
            guard outcome.done else { return }
            if let error = outcome.error { continuation.resume(throwing: error) } else { continuation.resume() }
        }
    }
}
