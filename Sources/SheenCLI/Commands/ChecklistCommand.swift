import ArgumentParser
import Foundation
import SheenApplication
import SheenChecks
import SheenEngine
import SheenModel
import SheenStore

struct ChecklistCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checklist",
        abstract: "Is the launch done? Judge the activation checklist now: ✓ green, ✗ red, … not known yet.",
        discussion: """
            Each item is judged by its evidence rule (Checklists/<id>.yaml): the steps that evidence it, the verified \
            webhooks that prove it (a captured payment, Meta's approval of every template in every language), probes \
            (DNS, the domain's TLS certificate, Arabic rendering, the env file) and, where allowed, a person's \
            attestation. Blocking items come first, each with what blocks it and the next action.

            Exit codes: 0 every applicable item is green, 1 not ready, 2 usage error, 3 the project or catalog \
            cannot be read.

            Examples:
              sheen checklist
              sheen checklist --watch --timeout 600     # until green, or exit 1 after ten minutes
              sheen checklist --json --lang ar
              sheen checklist attest arabic-font-rendering --evidence "checked on an iPhone and a Galaxy"
            """,
        subcommands: [Show.self, Attest.self], defaultSubcommand: Show.self)

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Judge the checklist and print it (the default).")

        @OptionGroup var input: PlanInputOptions

        @OptionGroup var stateFile: StateFileOption

        @Flag(name: .long, help: "Judge again every --interval seconds until every item is green.")
        var watch = false

        @Option(name: .long, help: ArgumentHelp("Seconds between judgements with --watch.", valueName: "seconds"))
        var interval = 2

        @Option(
            name: .long,
            help: ArgumentHelp("With --watch, give up (exit 1) after this many seconds.", valueName: "seconds"))
        var timeout: Int?

        @OptionGroup var dns: DNSServerOption

        @OptionGroup var global: GlobalOptions

        func validate() throws {
            try input.validate(language: global.language)
            guard (1...3600).contains(interval) else {
                throw ValidationError(CLIMessage.intervalRange(global.language))
            }
            try dns.validate(language: global.language)
        }

        func run() async throws {
            let language = global.language
            let (source, catalog, store) = try await stateFile.open(input, global: global)
            let service = ChecklistService(
                store: store.state, events: store.events, catalog: catalog,
                connections: .deferred(store: store.state, catalog: catalog))
            let probes = ChecklistService.ProbeOverrides(dns: dns.lookup)
            let started = Date()
            var shown: [String] = []
            while true {
                let report = try await reportingApplicationErrors(language: language) {
                    try await service.evaluate(source, projectDirectory: input.projectDirectory, probes: probes)
                }
                let fingerprint = report.conditions.map { "\($0.item)=\($0.status.rawValue):\($0.reason)" }
                if !watch || fingerprint != shown {
                    if global.json {
                        try Console.json(ChecklistJSON(report))
                    } else {
                        if watch, !shown.isEmpty { Console.out("") }
                        Console.out(ChecklistText.render(report, language: language))
                    }
                    shown = fingerprint
                }
                if report.ready { return }
                guard watch else { throw ExitCode(ExitStatus.invalidInput) }
                if let timeout, Date().timeIntervalSince(started) >= Double(timeout) {
                    Console.error(CLIMessage.watchTimedOut(timeout)(language))
                    throw ExitCode(ExitStatus.invalidInput)
                }
                try await Task.sleep(for: .seconds(interval))
            }
        }
    }

    struct Attest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record your word for an item no API can confirm (only where its evidence allows `manual`).")

        @Argument(help: ArgumentHelp("The item's id (`sheen checklist` shows them).", valueName: "item"))
        var item: String

        @Option(
            name: .long,
            help: ArgumentHelp(
                "What you checked, or a file (a screenshot, a report) recorded by name and SHA-256.",
                valueName: "text|file"))
        var evidence: String

        @Option(name: .long, help: ArgumentHelp("Who attests (default: $USER).", valueName: "name"))
        var by: String?

        @OptionGroup var input: PlanInputOptions

        @OptionGroup var stateFile: StateFileOption

        @OptionGroup var global: GlobalOptions

        func validate() throws { try input.validate(language: global.language) }

        func run() async throws {
            let language = global.language
            let (source, catalog, store) = try await stateFile.open(input, global: global)
            let service = ChecklistService(store: store.state, events: nil, catalog: catalog)
            let person = by ?? ProcessInfo.processInfo.environment["USER"] ?? ProcessInfo.processInfo.userName
            let text = Attestations.evidence(evidence)
            let attestation = try await reportingApplicationErrors(language: language) {
                do {
                    return try await service.attest(item, evidence: text, by: person, source: source)
                } catch let error as ApplicationError where error.isUsage {
                    throw ValidationError(
                        error.message(in: language) + (error.hint(in: language).map { "\n\($0)" } ?? ""))
                }
            }
            if global.json {
                try Console.json(attestation)
            } else {
                Console.out(CLIMessage.attested(attestation.item, attestation.by)(language))
            }
        }
    }
}

/// Input that cannot be read (a missing or broken project file, a catalog with errors) exits 3, not 1: a CI gate
/// tells "the stack is not ready" from "the gate could not run".
func unreadable<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch { throw asUnreadable(error) }
}

/// ``unreadable(_:)`` for an asynchronous `body` (opening a store on a server).
func unreadableAsync<T>(_ body: () async throws -> T) async throws -> T {
    do { return try await body() } catch { throw asUnreadable(error) }
}

private func asUnreadable(_ error: any Error) -> any Error {
    if let code = error as? ExitCode, code.rawValue == ExitStatus.invalidInput {
        return ExitCode(ExitStatus.unreadableInput)
    }
    guard let error = error as? ValidationError else { return error }
    // No project file, an unknown recipe: said once, without the usage banner, and exit 3.
    Console.error(error.message)
    return ExitCode(ExitStatus.unreadableInput)
}
