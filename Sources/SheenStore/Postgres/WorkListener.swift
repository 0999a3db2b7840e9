import Logging
import PostgresNIO
import SheenEngine
import Synchronization

/// LISTENs on the queue's channel over one pooled connection, from the first time a worker asks, and fires the
/// ``WorkSignal`` on every notification; if the connection drops it listens again, firing once so nothing sent in the
/// gap is waited out.
final class WorkListener: Sendable {
    static let channel = "sheen_work"

    let signal = WorkSignal()
    private let task = Mutex<Task<Void, Never>?>(nil)

    func start(client: PostgresClient, logger: Logger) {
        task.withLock { current in
            guard current == nil else { return }
            let signal = signal
            current = Task {
                while !Task.isCancelled {
                    do {
                        try await client.withConnection { connection in
                            try await connection.listen(on: Self.channel) { notifications in
                                signal.fire()
                                for try await _ in notifications { signal.fire() }
                            }
                        }
                    } catch {
                        try? await Task.sleep(for: .seconds(1))
                    }
                }
            }
        }
    }

    func stop() {
        task.withLock { current in
            current?.cancel()
            current = nil
        }
    }
}
