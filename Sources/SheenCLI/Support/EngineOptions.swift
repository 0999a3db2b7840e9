import ArgumentParser
import Foundation
import SheenApplication
import SheenCatalog
import SheenEngine
import SheenModel
import SheenPlanner
import SheenStore

/// Options of the commands that change things: where state lives, how hard to push, whether to ask.
struct EngineOptions: ParsableArguments {
    @Option(name: [.customLong("store"), .customLong("state")], help: storeHelp)
    var store: String?

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

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Seconds one provider call may take before it counts as timed out (then retried, looking up first).",
            valueName: "seconds"))
    var stepTimeout = 600

    @Option(name: .long, help: .hidden)
    var stepLatencyMs = 0

    func validate(language: Language) throws {
        guard (1...1000).contains(parallelism) else {
            throw ValidationError(CLIMessage.parallelismRange(language))
        }
        guard (1...86_400).contains(stepTimeout) else {
            throw ValidationError(CLIMessage.stepTimeoutRange(language))
        }
    }

    func open(language: Language) async throws -> OpenedStore {
        try await openStore(store, language: language)
    }

    /// How hard the apply pushes, and the built-in runners' test knobs.
    var settings: ApplySettings {
        ApplySettings(
            parallelism: parallelism, continueOnError: continueOnError, stepLatency: .milliseconds(stepLatencyMs),
            dataLedgerPath: ProcessInfo.processInfo.environment["SHEEN_DATA_LEDGER"],
            stepTimeout: .seconds(stepTimeout))
    }

    /// Asks on a terminal; refuses to guess elsewhere.
    func confirm(_ question: String, language: Language) throws -> Bool {
        if autoApprove { return true }
        guard isatty(STDIN_FILENO) == 1 else {
            throw ValidationError(CLIMessage.notATerminal(language))
        }
        FileHandle.standardOutput.write(Data((question + " [y/N] ").utf8))
        // Ctrl-C at the prompt ends the process as usual; once the run starts it cancels cleanly instead.
        signal(SIGINT, SIG_DFL)
        let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        signal(SIGINT, SIG_IGN)
        return ["y", "yes", "نعم", "ن"].contains(answer)
    }
}

/// Runs `body` so that Ctrl-C cancels it (letting in-flight steps settle and the journal stay consistent) instead of
/// killing the process.
///
/// A long-running process (`sheen worker`) also passes SIGTERM, what service managers send to stop it.
func interruptible<T: Sendable>(
    on signals: [Int32] = [SIGINT], _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let task = Task { try await body() }
    let sources = signals.map { number in
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler { task.cancel() }
        source.resume()
        return source
    }
    defer {
        for source in sources { source.cancel() }
        for number in signals { signal(number, SIG_DFL) }
    }
    return try await task.value
}

/// Runs a use case, printing an ``ApplicationError`` with its hint and exiting 1.
func reportingApplicationErrors<T: Sendable>(
    language: Language, _ body: () async throws -> T
) async throws -> T {
    do {
        return try await body()
    } catch let error as ApplicationError {
        throw Console.failure(error.message(in: language), hint: error.hint(in: language), language: language)
    } catch let error as ConnectionError {
        throw Console.failure(error.message(language), hint: error.hint?(language), language: language)
    }
}
