import ArgumentParser
import Foundation
import SheenApplication
import SheenChecks
import SheenModel
import SheenStore

/// The state file of the commands that judge a launch (`up`, `checklist`, `preflight`), and how they open their input:
/// input that cannot be read (a missing or broken project file, a catalog with errors) exits 3.
struct StateFileOption: ParsableArguments {
    @Option(name: [.customLong("store"), .customLong("state")], help: storeHelp)
    var store: String?

    /// The input's plan source and catalog, and the state store.
    func open(_ input: PlanInputOptions, global: GlobalOptions) async throws -> (PlanSource, Catalog, OpenedStore) {
        let (source, catalog) = try unreadable { try input.source(global: global) }
        // A malformed URL is a usage error (2); a store that cannot be opened is input that cannot be read (3).
        _ = try storeLocation(store, language: global.language)
        let opened = try await unreadableAsync { try await openStore(store, language: global.language) }
        return (source, catalog, opened)
    }
}

/// The DNS server the probes ask (`checklist`, `preflight`).
struct DNSServerOption: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Ask this DNS server (IP[:port]) instead of the system's resolvers.", valueName: "address"))
    var dnsServer: String?

    func validate(language: Language) throws {
        if let dnsServer, DNSLookup.Server(dnsServer) == nil {
            throw ValidationError(CLIMessage.badDNSServer(dnsServer)(language))
        }
    }

    var lookup: DNSLookup { DNSLookup(server: dnsServer.flatMap(DNSLookup.Server.init) ?? .system) }
}
