import ArgumentParser
import Foundation
import SheenCatalog
import SheenEngine
import SheenModel
import SheenPlanner
import SheenStore

/// Options of the commands that change things: where state lives, how hard to push, whether to ask.
struct EngineOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("State file (default: .sheen/state.sqlite in this directory).", valueName: "path"))
    var state = ".sheen/state.sqlite"

    @Option(
        name: .long,
        help: ArgumentHelp("Steps run at once, across all providers (rate limits still apply).", valueName: "n"))
    var parallelism = 10

    @Flag(name: .long, help: "Do not ask for confirmation (required when not at a terminal).")
    var autoApprove = false

    @Flag(
        name: .long, inversion: .prefixedNo,
        help: "Keep running independent steps after a failure; dependents are skipped either way.")
    var continueOnError = true

    @Option(name: .long, help: .hidden)
    var stepLatencyMs = 0

    func validate(language: Language) throws {
        guard (1...1000).contains(parallelism) else {
            throw ValidationError(
                language == .en ? "--parallelism must be between 1 and 1000" : "يجب أن تكون ‎--parallelism بين 1 و1000")
        }
    }

    func openStore(language: Language) throws -> SQLiteStateStore {
        try openStateStore(at: state, language: language)
    }

    /// The executor for this run: built-in runners, rate limits from the catalog's manifests, progress events.
    func executor(
        store: any StateStore, catalog: Catalog?, environment: DeploymentEnvironment, reporter: ProgressReporter
    ) -> Executor {
        var runners = RunnerRegistry()
        runners.register(
            SheenDataRunner(
                latency: .milliseconds(stepLatencyMs),
                ledgerPath: ProcessInfo.processInfo.environment["SHEEN_DATA_LEDGER"]),
            for: "sheen.data")
        var limits: [String: RateLimiter.Limit] = [:]
        for provider in catalog?.sortedProviders ?? [] {
            for limit in provider.rateLimits
            where limit.environments.isEmpty || limit.environments.contains(environment) {
                guard limit.scope == .account || limit.scope == .connection else { continue }
                let key = limit.scope == .account ? provider.id : "\(provider.id)/default"
                let candidate = RateLimiter.Limit(
                    requests: limit.requests, perSeconds: limit.perSeconds, burst: limit.burst)
                if let existing = limits[key], Double(existing.requests) / existing.perSeconds <= limit.ratePerSecond {
                    continue
                }
                limits[key] = candidate
            }
        }
        return Executor(
            store: store, runners: runners, limiter: RateLimiter(limits: limits),
            rateKeys: { node in node.provider.map { [$0, "\($0)/default"] } ?? [] },
            options: ExecutionOptions(parallelism: parallelism, continueOnError: continueOnError),
            events: { reporter.handle($0) })
    }

    /// Asks on a terminal; refuses to guess elsewhere.
    func confirm(_ question: String, language: Language) throws -> Bool {
        if autoApprove { return true }
        guard isatty(STDIN_FILENO) == 1 else {
            throw ValidationError(
                language == .en
                    ? "not at a terminal: pass --auto-approve to proceed without confirmation"
                    : "لست في طرفية: استخدم ‎--auto-approve للمتابعة دون تأكيد")
        }
        FileHandle.standardOutput.write(Data((question + (language == .en ? " [y/N] " : " [y/N] ")).utf8))
        let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        return ["y", "yes", "نعم", "ن"].contains(answer)
    }
}

/// Runs `body` so that Ctrl-C cancels it (letting in-flight steps settle and the journal stay consistent) instead of
/// killing the process.
func interruptible<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
    signal(SIGINT, SIG_IGN)
    let task = Task { try await body() }
    let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
    source.setEventHandler { task.cancel() }
    source.resume()
    defer {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
    return try await task.value
}

/// Takes the apply lock, or explains who holds it.
func withApplyLock<T: Sendable>(
    store: any StateStore, scope: StoreScope, language: Language, _ body: () async throws -> T
) async throws -> T {
    do {
        return try await ApplyLock.withLock(store: store, scope: scope, body)
    } catch let held as LockHeld {
        let since = ISO8601DateFormatter().string(from: held.lock.acquiredAt)
        Console.error(
            language == .en
                ? "error: \(held.description)\nhint: wait for that run to finish; no unlock is ever needed"
                : "خطأ: يجري تطبيق '\(held.scope)' بواسطة \(held.lock.holder) منذ \(since)\nتلميح: انتظر انتهاء ذلك التشغيل؛ لا حاجة لفك القفل يدويًا"
        )
        throw ExitCode(ExitStatus.invalidInput)
    }
}

/// Opens the state file at `path` (crash-test faults from the environment), or exits 1 saying which file failed.
func openStateStore(at path: String, language: Language) throws -> SQLiteStateStore {
    do {
        return try SQLiteStateStore(path: path, faults: JournalFaults.fromEnvironment())
    } catch {
        Console.error(
            (language == .en ? "error: cannot open the state file '\(path)': " : "خطأ: تعذر فتح ملف الحالة '\(path)': ")
                + "\(error)")
        throw ExitCode(ExitStatus.invalidInput)
    }
}
