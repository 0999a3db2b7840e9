import Synchronization

/// Wakes idle workers when a queue may have ready steps (a run was queued, a step finished or was given back), so a
/// dependent starts as soon as its dependency ends rather than at the next poll. Each wake-up advances a generation: a
/// worker that read the generation before finding nothing to claim is not put to sleep by a wake-up it raced with.
public final class WorkSignal: Sendable {
    private let state = Mutex<(generation: UInt64, waiters: [Int: CheckedContinuation<Void, Never>], next: Int)>(
        (0, [:], 0))

    public init() {}

    public var generation: UInt64 { state.withLock { $0.generation } }

    /// Wakes every waiter.
    public func fire() {
        let waiters = state.withLock { value -> [CheckedContinuation<Void, Never>] in
            value.generation &+= 1
            defer { value.waiters = [:] }
            return Array(value.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the generation passes `seen`, or after `timeout` (the poll that also finds lapsed claims).
    public func wait(after seen: UInt64, timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.next(after: seen) }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    private func next(after seen: UInt64) async {
        let id = state.withLock { value -> Int in
            value.next += 1
            return value.next
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { value -> Bool in
                    if value.generation != seen || Task.isCancelled { return true }
                    value.waiters[id] = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }
}
