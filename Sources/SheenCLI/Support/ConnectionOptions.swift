import ArgumentParser
import Foundation
import SheenApplication
import SheenCatalog
import SheenEngine
import SheenModel
import SheenSecrets
import SheenStore

/// Where the connection commands find their project and store.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Project file (default: ./sheen.yaml).", valueName: "path"))
    var project: String?

    @Option(name: [.customLong("store"), .customLong("state")], help: storeHelp)
    var store: String?

    /// Every `--field` must be `NAME=VALUE`.
    static func checkFields(_ items: [String], language: Language) throws {
        for item in items where CredentialInput.parse(item) == nil {
            throw ValidationError(CLIMessage.badField(item)(language))
        }
    }

    /// The project's name, from its file.
    func projectName(language: Language) throws -> String { try projectFile(language: language).name }

    /// The project file, decoded.
    func projectFile(language: Language) throws -> Project {
        let path = project ?? "sheen.yaml"
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError(CLIMessage.noProjectFile(path)(language))
        }
        guard let project = CatalogLoader().decodeProject(at: path).project else {
            throw ValidationError(CLIMessage.projectFileHasErrors(path)(language))
        }
        return project
    }

    /// The project's name and the connection use cases over its store; `catalog` only where a command checks fields
    /// against manifests.
    func service(global: GlobalOptions, catalog: Catalog = Catalog()) async throws -> (String, ConnectionService) {
        let project = try projectName(language: global.language)
        let (store, keys) = try await open(language: global.language)
        return (project, ConnectionService(store: store.state, keys: keys, catalog: catalog))
    }

    /// The store, and the keys from `SHEEN_MASTER_KEY` or the key file.
    func open(language: Language, groupCommit: Bool = true) async throws -> (OpenedStore, any KeyProvider) {
        let store = try await openStore(self.store, language: language, groupCommit: groupCommit)
        do {
            return (store, try KeySource.provider(environment: ProcessInfo.processInfo.environment))
        } catch {
            throw Console.failure(error.message(language), language: language)
        }
    }
}

extension ConnectionService {
    /// The connection use cases over the state file, with keys chosen only once a secret is read or written.
    static func deferred(store: any ConnectionStore, catalog: Catalog) -> ConnectionService {
        ConnectionService(
            store: store, keys: DeferredKeyProvider(environment: ProcessInfo.processInfo.environment), catalog: catalog)
    }
}

extension ConnectionService {
    /// Records `action` by this machine's user in the audit log of the store these connections live in (every
    /// durable store keeps one).
    func audited(_ action: AuditEntry.Action, project: String, target: String) async throws {
        guard let store = store as? any ConsoleStore else { return }
        try await AuditLog(store: store).record(action, by: AuditLog.localActor, project: project, target: target)
    }
}

/// Runs `body`, printing a connection or key problem in the user's language and exiting 1.
func reportingConnectionErrors<T: Sendable>(language: Language, _ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as ConnectionError {
        throw Console.failure(error.message(language), hint: error.hint?(language), language: language)
    } catch let error as SecretError {
        throw Console.failure(error.message(language), language: language)
    }
}

/// Reads credential values for `sheen connect` from the environment, files, standard input or the terminal, where a
/// prompt never echoes what is typed.
struct TerminalCredentialReader: CredentialReader {
    func environmentVariable(_ name: String) -> String? { ProcessInfo.processInfo.environment[name] }

    func contents(ofFile path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    func standardInput() throws -> String {
        String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    }

    func prompt(_ label: String) -> String? {
        guard isatty(STDIN_FILENO) == 1 else { return nil }
        FileHandle.standardError.write(Data("\(label): ".utf8))
        var saved = termios()
        tcgetattr(STDIN_FILENO, &saved)
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true)
    }
}
