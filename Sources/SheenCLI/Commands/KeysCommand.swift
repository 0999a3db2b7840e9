import ArgumentParser
import Foundation
import SheenApplication
import SheenSecrets
import SheenStore

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "The key-encryption keys that protect stored credentials: status, rotate, retire.",
        discussion: """
            Keys come from SHEEN_MASTER_KEY (base64, 32 bytes) when it is set, else from a key file outside the \
            project ($SHEEN_KEYRING, else ~/.config/sheen/keyring.json), created 0600 on first use. Losing the key \
            loses every credential it protects: back the key file up apart from the project's backups.
            """,
        subcommands: [Status.self, Rotate.self, Retire.self], defaultSubcommand: Status.self)

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Which keys exist and how many secrets each wraps.")

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let language = global.language
            let (opened, keys) = try await connection.open(language: language)
            let store = opened.state
            let status = try await reportingConnectionErrors(language: language) {
                try await KeyService(store: store, keys: keys).status()
            }
            if global.json {
                try Console.json(KeysJSON(status))
            } else {
                Console.out(ConnectionText.keys(status, language: language))
            }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-wrap every stored data key under a new key; payloads are not touched.",
            discussion: """
                Safe to interrupt: run it again and it finishes the interrupted rotation first. With \
                SHEEN_MASTER_KEY, set the new key there and the old one in SHEEN_PREVIOUS_MASTER_KEYS, then run this.
                """)

        // Crash tests: small, slow batches so a kill lands while both keys are in use.
        @Option(name: .long, help: .hidden)
        var batchSize = 500
        @Option(name: .long, help: .hidden)
        var pauseMs = 0

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let language = global.language
            let (opened, keys) = try await connection.open(language: language)
            let store = opened.state
            let json = global.json
            let rotation = try await reportingConnectionErrors(language: language) {
                try await KeyService(store: store, keys: keys, batchSize: max(1, batchSize)).rotate(
                    pauseBetweenBatches: .milliseconds(pauseMs),
                    progress: { count in
                        if !json { Console.error(CLIMessage.rewrapped(count)(language)) }
                    })
            }
            if json {
                try Console.json(KeysJSON.Rotation(rotation))
            } else {
                Console.out(
                    CLIMessage.rotatedKeys(key: rotation.keyID, count: rotation.rewrapped, new: rotation.newKey)(
                        language))
            }
        }
    }

    struct Retire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Forget a key that no stored secret uses any more.")

        @Argument(help: ArgumentHelp("The key id (see 'sheen keys status').", valueName: "id"))
        var id: String

        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let language = global.language
            let (opened, keys) = try await connection.open(language: language)
            let store = opened.state
            try await reportingConnectionErrors(language: language) {
                try await KeyService(store: store, keys: keys).retire(id)
            }
            Console.out(CLIMessage.retiredKey(id)(language))
        }
    }
}
