import Foundation
import Synchronization

/// Fault injection for crash tests: kills the process with SIGKILL just before or just after the n-th journal write.
///
/// Set from the environment by the CLI (`SHEEN_CRASH_BEFORE_JOURNAL_WRITE=n` or `SHEEN_CRASH_AFTER_JOURNAL_WRITE=n`)
/// so the crash test can stop a real `sheen apply` at every write of a plan. Inert unless one is set.
public final class JournalFaults: Sendable {
    private let before: Int?
    private let after: Int?
    private let writes = Mutex(0)

    public init(before: Int? = nil, after: Int? = nil) {
        self.before = before
        self.after = after
    }

    /// Reads the two variables; `nil` when neither is set.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> JournalFaults? {
        let before = environment["SHEEN_CRASH_BEFORE_JOURNAL_WRITE"].flatMap(Int.init)
        let after = environment["SHEEN_CRASH_AFTER_JOURNAL_WRITE"].flatMap(Int.init)
        guard before != nil || after != nil else { return nil }
        return JournalFaults(before: before, after: after)
    }

    /// Numbers the write that is about to happen; concurrent writers each get their own number.
    func beforeWrite() -> Int {
        let number = writes.withLock { count -> Int in
            count += 1
            return count
        }
        if number == before { kill(getpid(), SIGKILL) }
        return number
    }

    func afterWrite(_ number: Int) {
        if number == after { kill(getpid(), SIGKILL) }
    }
}
