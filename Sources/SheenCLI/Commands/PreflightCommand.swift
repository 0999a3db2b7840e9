import ArgumentParser
import Foundation
import SheenApplication
import SheenCatalog
import SheenChecks
import SheenModel
import SheenStore

extension PreflightFormat: ExpressibleByArgument {}

struct PreflightCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preflight",
        abstract:
            "Check, before a deploy, that the stack is ready: credentials, coverage, DNS, TLS, webhooks, env, Arabic.",
        discussion: """
            Changes nothing. Each check has a stable id (for --only and --skip): \
            \(PreflightService.checkIDs.joined(separator: ", ")). A question no provider API can answer (a key's \
            scopes, which methods an account has enabled) is reported unknown, never passed. Outbound checks reach \
            only public addresses, pinned once resolved, each redirect re-checked.

            Exit codes: 0 ready (warnings and unknowns allowed unless --strict), 1 not ready, 2 usage error, \
            3 the project or catalog cannot be read. docs/preflight.md has a CI workflow that runs it.

            Examples:
              sheen preflight --env prod
              sheen preflight --env prod --format junit > preflight.xml
              sheen preflight --format github --strict            # in a GitHub Actions step
              sheen preflight --only tls.certificate,dns.records --dns-server 1.1.1.1
            """)

    @OptionGroup var input: PlanInputOptions

    @Option(
        name: .long,
        help: ArgumentHelp("Run only these checks (comma-separated ids).", valueName: "ids"))
    var only: String?

    @Option(name: .long, help: ArgumentHelp("Leave out these checks (comma-separated ids).", valueName: "ids"))
    var skip: String?

    @Option(
        name: .long,
        help: ArgumentHelp("text, json, junit (JUnit XML) or github (workflow commands).", valueName: "format"))
    var format: PreflightFormat?

    @Flag(name: .long, help: "Fail on warnings and unknowns too.")
    var strict = false

    @OptionGroup var stateFile: StateFileOption

    @OptionGroup var dns: DNSServerOption

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Trust only the CA certificates in this PEM file (a staging site's private CA).", valueName: "file"))
    var caFile: String?

    @Option(name: .long, help: ArgumentHelp("The port the domain serves HTTPS on.", valueName: "port"))
    var httpsPort = 443

    @Flag(
        name: .long,
        help: "Allow loopback addresses and http, for stand-ins on this machine (never for a real deploy).")
    var sandbox = false

    @OptionGroup var global: GlobalOptions

    static func ids(_ text: String?) -> Set<String> {
        Set((text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
    }

    func validate() throws {
        try input.validate(language: global.language)
        for id in Self.ids(only).union(Self.ids(skip)) where !PreflightService.checkIDs.contains(id) {
            throw ValidationError(
                CLIMessage.unknownCheck(
                    id, Suggestion.closest(to: id, in: PreflightService.checkIDs), PreflightService.checkIDs)(
                        global.language))
        }
        guard (1...65_535).contains(httpsPort) else {
            throw ValidationError(CLIMessage.badPort(httpsPort)(global.language))
        }
        try dns.validate(language: global.language)
    }

    func run() async throws {
        let language = global.language
        let (source, catalog, store) = try await stateFile.open(input, global: global)
        let service = PreflightService(
            apply: ApplyService(
                store: store.state, catalog: catalog, connections: .deferred(store: store.state, catalog: catalog),
                events: store.events))
        var trust = TLSCertificateCheck.Trust.system
        if let caFile {
            do {
                trust = try TLSCertificateCheck.Trust.pemFile(caFile)
            } catch {
                throw ValidationError("\(error)")
            }
        }
        let projectFile = input.recipe == nil ? (input.project ?? "sheen.yaml") : nil
        let report = try await reportingApplicationErrors(language: language) {
            try await service.run(
                source, projectFile: projectFile, projectDirectory: input.projectDirectory,
                selection: .init(only: Self.ids(only), skip: Self.ids(skip)),
                probes: .init(
                    dns: dns.lookup,
                    policy: sandbox ? .sandbox : .publicOnly, trust: trust, httpsPort: httpsPort))
        }
        let chosen = format ?? (global.json ? .json : .text)
        Console.out(
            chosen.render(
                report, strict: strict, language: language,
                hostname: ProcessInfo.processInfo.hostName.isEmpty ? "localhost" : ProcessInfo.processInfo.hostName))
        if !report.ready(strict: strict) { throw ExitCode(ExitStatus.invalidInput) }
    }
}
