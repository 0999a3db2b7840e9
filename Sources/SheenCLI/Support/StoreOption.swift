import ArgumentParser
import Foundation
import SheenDatabase
import SheenModel
import SheenStore

/// `--store`'s help, the same for every command that keeps state.
let storeHelp = ArgumentHelp(
    "Where state lives: a SQLite file (default: .sheen/state.sqlite), or postgres://user@host:5432/database shared by "
        + "many machines. Without it, $SHEEN_STORE. (--state is its older name.)",
    valueName: "path|url")

/// The location `option` names (else `SHEEN_STORE`, else the default file); a malformed URL is a usage error that says
/// how to write one, never echoing a password.
func storeLocation(_ option: String?, language: Language) throws -> StoreLocation {
    do {
        return try StoreLocation.resolve(option)
    } catch {
        switch error {
        case .notPostgres:
            throw ValidationError(CLIMessage.badStoreURL("is not a postgres:// URL with a user and a host")(language))
        case .unknownSSLMode(let mode):
            throw ValidationError(
                CLIMessage.badStoreURL("has sslmode=\(mode), which is none of disable, require, verify-full")(language))
        }
    }
}

/// Opens the store `option` names, with the crash tests' journal faults from the environment, or exits 1 saying which
/// store failed and why.
func openStore(_ option: String?, language: Language, groupCommit: Bool = true) async throws -> OpenedStore {
    let location = try storeLocation(option, language: language)
    do {
        return try await location.open(faults: JournalFaults.fromEnvironment(), groupCommit: groupCommit)
    } catch let error as StoreOpenError {
        let message =
            switch location {
            case .file(let path): CLIMessage.cannotOpenState(path: path, reason: error.reason)
            case .postgres: CLIMessage.cannotOpenStore(location: error.location, reason: error.reason)
            }
        throw Console.failure(message(language), language: language)
    }
}
