import Synchronization

/// Launches the server runs after answering `POST …/launches`: tracked, so a stopping server waits for them to
/// record how they ended instead of leaving them `running` forever.
public final class BackgroundTasks: Sendable {
    private let tasks = Mutex<[Int: Task<Void, Never>]>([:])
    private let counter = Atomic<Int>(0)

    public init() {}

    func run(_ body: @escaping @Sendable () async -> Void) {
        let id = counter.add(1, ordering: .relaxed).newValue
        tasks.withLock { tasks in
            tasks[id] = Task {
                await body()
                _ = self.tasks.withLock { $0.removeValue(forKey: id) }
            }
        }
    }

    /// Waits for every task started so far.
    public func drain() async {
        while let next = tasks.withLock({ $0.values.first }) { await next.value }
    }
}
