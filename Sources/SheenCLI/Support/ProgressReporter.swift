import Foundation
import SheenEngine
import SheenModel
import SheenPlanner
import Synchronization

/// Shows a run as it goes: a live status line on a terminal, one plain line per finished step in CI logs, or one
/// JSON object per event (`--json`, JSON Lines).
final class ProgressReporter: Sendable {
    enum Mode {
        case live
        case plain
        case json
    }

    private struct State {
        var total = 0
        var done = 0
        var failed = 0
        var running: Set<String> = []
        var waiting: Set<String> = []
        var lastDraw = ContinuousClock.now - .seconds(1)
    }

    private let mode: Mode
    private let language: Language
    private let started = ContinuousClock.now
    private let state = Mutex(State())

    init(mode: Mode, language: Language) {
        self.mode = mode
        self.language = language
    }

    static func mode(json: Bool) -> Mode {
        if json { return .json }
        return isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["CI"] == nil ? .live : .plain
    }

    func handle(_ event: ExecutionEvent) {
        switch mode {
        case .json: Console.out(Self.json(event).compact)
        case .plain: plain(event)
        case .live: live(event)
        }
    }

    private func plain(_ event: ExecutionEvent) {
        switch event {
        case .started(let total, let toRun):
            state.withLock { $0.total = toRun }
            Console.out(CLIMessage.applying(toRun: toRun, total: total)(language))
        case .stepSucceeded(let id, let action, let reconciled, let duration):
            let done = state.withLock { value -> (Int, Int) in
                value.done += 1
                return (value.done, value.total)
            }
            let note = reconciled ? CLIMessage.foundDoneAtProvider(language) : ""
            Console.out("[\(done.0)/\(done.1)] ✓ \(id) \(action.rawValue) \(Self.milliseconds(duration))\(note)")
        case .stepFailed(let id, let failure):
            state.withLock { $0.failed += 1 }
            Console.out("✗ \(id): \(failure)" + (failure.hint.map { "\n  hint: \($0)" } ?? ""))
        case .stepSkipped(let id, let cause):
            Console.out(CLIMessage.skippedBecause(step: id, cause: cause)(language))
        case .retryScheduled(let id, let attempt, let wait, let failure):
            Console.out(
                "↻ \(id): \(failure.errorClass), "
                    + CLIMessage.retryIn(attempt: attempt + 1, wait: Self.milliseconds(wait))(language))
        case .finished(let report):
            Console.out(summary(report))
        case .stepStarted, .rateLimited:
            break
        }
    }

    private func live(_ event: ExecutionEvent) {
        var final: String?
        var redraw = false
        state.withLock { value in
            switch event {
            case .started(_, let toRun): value.total = toRun
            case .stepStarted(let id, _, _):
                value.running.insert(id)
                value.waiting.remove(id)
            case .stepSucceeded(let id, _, _, _):
                value.running.remove(id)
                value.done += 1
            case .stepFailed(let id, _):
                value.running.remove(id)
                value.failed += 1
            case .stepSkipped: break
            case .retryScheduled(let id, _, _, _), .rateLimited(let id, _):
                value.running.remove(id)
                value.waiting.insert(id)
            case .finished(let report): final = summary(report)
            }
            let now = ContinuousClock.now
            if now - value.lastDraw > .milliseconds(100) || final != nil {
                value.lastDraw = now
                redraw = true
            }
        }
        if let failure = failureLine(event) {
            FileHandle.standardOutput.write(Data(("\r\u{1B}[K" + failure + "\n").utf8))
        }
        if let final {
            FileHandle.standardOutput.write(Data(("\r\u{1B}[K" + final + "\n").utf8))
        } else if redraw {
            FileHandle.standardOutput.write(Data(("\r\u{1B}[K" + statusLine()).utf8))
        }
    }

    private func failureLine(_ event: ExecutionEvent) -> String? {
        if case .stepFailed(let id, let failure) = event { return "✗ \(id): \(failure)" }
        return nil
    }

    private func statusLine() -> String {
        let value = state.withLock { $0 }
        let elapsed = String(format: "%.1f s", (ContinuousClock.now - started).seconds)
        let running =
            value.running.sorted().prefix(3).joined(separator: ", ")
            + (value.running.count > 3 ? " +\(value.running.count - 3)" : "")
        return CLIMessage.status(
            done: value.done, total: value.total, running: running.isEmpty ? "-" : running,
            waiting: value.waiting.count, elapsed: elapsed)(language)
    }

    func summary(_ report: ExecutionReport) -> String {
        let elapsed = String(format: "%.2f s", report.duration.seconds)
        var text = CLIMessage.summary(
            succeeded: report.succeeded.count, failed: report.failed.count, skipped: report.skipped.count,
            unchanged: report.unchanged, calls: report.calls, elapsed: elapsed)(language)
        if !report.reconciled.isEmpty { text += CLIMessage.summaryReconciled(report.reconciled.count)(language) }
        if report.cancelled { text += CLIMessage.summaryInterrupted(language) }
        return text
    }

    static func milliseconds(_ duration: Duration) -> String {
        let ms = duration.seconds * 1000
        return ms < 1000 ? String(format: "%.0f ms", ms) : String(format: "%.2f s", ms / 1000)
    }

    static func json(_ event: ExecutionEvent) -> JSONValue {
        switch event {
        case .started(let total, let toRun):
            return .object(["event": .string("started"), "total": .int(total), "to_run": .int(toRun)])
        case .stepStarted(let id, let action, let attempt):
            return .object([
                "event": .string("step_started"), "step": .string(id), "action": .string(action.rawValue),
                "attempt": .int(attempt),
            ])
        case .stepSucceeded(let id, let action, let reconciled, let duration):
            return .object([
                "event": .string("step_succeeded"), "step": .string(id), "action": .string(action.rawValue),
                "reconciled": .bool(reconciled), "duration_ms": .double((duration.seconds * 1000).rounded()),
            ])
        case .stepFailed(let id, let failure):
            return .object([
                "event": .string("step_failed"), "step": .string(id), "error_class": .string(failure.errorClass),
                "message": .string(failure.message), "hint": .optional(failure.hint),
            ])
        case .stepSkipped(let id, let cause):
            return .object(["event": .string("step_skipped"), "step": .string(id), "because": .string(cause)])
        case .retryScheduled(let id, let attempt, let wait, let failure):
            return .object([
                "event": .string("retry_scheduled"), "step": .string(id), "attempt": .int(attempt),
                "wait_ms": .double((wait.seconds * 1000).rounded()), "error_class": .string(failure.errorClass),
            ])
        case .rateLimited(let id, let wait):
            return .object([
                "event": .string("rate_limited"), "step": .string(id),
                "wait_ms": .double((wait.seconds * 1000).rounded()),
            ])
        case .finished(let report):
            return .object([
                "event": .string("finished"), "succeeded": .int(report.succeeded.count),
                "failed": .strings(report.failed.keys.sorted()),
                "skipped": .strings(report.skipped), "unchanged": .int(report.unchanged),
                "reconciled": .strings(report.reconciled.sorted()),
                "calls": .int(report.calls), "cancelled": .bool(report.cancelled),
                "duration_ms": .double((report.duration.seconds * 1000).rounded()),
            ])
        }
    }
}
