import Foundation
import SheenDatabase
import SheenEngine
import SheenModel
import SheenSecrets
import SheenWebhooks

/// Everything a command keeps: the journal and leases, breakers, connections and their sealed credentials, and the
/// checklist; with the inspection `sheen state` needs. ``SQLiteStateStore`` and ``PostgresStore`` are the two.
public protocol DurableStore: StateStore, ConnectionStore, ChecklistStore, ConsoleStore {
    /// Every transition of a step, oldest first.
    func transitions(
        of stepID: String, in scope: StoreScope
    ) async throws -> [(status: String, attempt: Int, at: Date, errorClass: String?)]

    /// Who holds the apply lock of `scope`, if anyone.
    func lock(of scope: StoreScope) async throws -> LockInfo?

    /// How many transitions the journal of `scope` holds.
    func journalLength(of scope: StoreScope) async throws -> Int
}

extension SQLiteStateStore: DurableStore {}
extension PostgresStore: DurableStore {}

/// Where state lives: a SQLite file on this machine (the default, `.sheen/state.sqlite`), or a PostgreSQL database
/// shared by many processes and machines. Chosen with `--store`, else `SHEEN_STORE`, else the default file.
public enum StoreLocation: Sendable, Hashable, CustomStringConvertible {
    case file(String)
    case postgres(DatabaseURL)

    public static let defaultFile = ".sheen/state.sqlite"

    /// `text` as a location: a `postgres://` URL, or else a file path.
    public init(_ text: String) throws(DatabaseURL.Problem) {
        // Any other scheme (mysql://, sqlite://) is a mistake to name, not a file to create.
        guard DatabaseURL.looksLike(text) || !text.contains("://") else { throw .notPostgres }
        self = DatabaseURL.looksLike(text) ? .postgres(try DatabaseURL(text)) : .file(text)
    }

    /// The location a command uses: its `--store` value, else `SHEEN_STORE`, else the default file.
    public static func resolve(
        _ option: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(DatabaseURL.Problem) -> StoreLocation {
        let text = option ?? environment["SHEEN_STORE"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultFile
        return try StoreLocation(text)
    }

    /// Whether there may be anything to read: a file that exists, or any database (asked when opened).
    public var mayHoldState: Bool {
        switch self {
        case .file(let path): FileManager.default.fileExists(atPath: path)
        case .postgres: true
        }
    }

    /// The directory for this machine's local files that sit beside state (sandbox simulators' ledgers): the state
    /// file's own directory, or `.sheen` when state is in a database.
    public var localDirectory: String {
        switch self {
        case .file(let path):
            let directory = (path as NSString).deletingLastPathComponent
            return directory.isEmpty ? "." : directory
        case .postgres: return ".sheen"
        }
    }

    /// Where it is, without a password: for messages.
    public var description: String {
        switch self {
        case .file(let path): path
        case .postgres(let url): "postgres://\(url)"
        }
    }

    /// Opens (creating and migrating as needed) the store here. `groupCommit: false` makes the file store's event
    /// ingest commit each delivery alone (the ingest benchmark's baseline).
    public func open(faults: JournalFaults? = nil, groupCommit: Bool = true) async throws -> OpenedStore {
        switch self {
        case .file(let path):
            let store: SQLiteStateStore
            do {
                store = try SQLiteStateStore(path: path, faults: faults)
            } catch {
                throw StoreOpenError(location: path, reason: "\(error)")
            }
            return OpenedStore(state: store, events: SQLiteEventStore(store, groupCommit: groupCommit), close: {})
        case .postgres(let url):
            let store = try await PostgresStore.open(url, faults: faults)
            return OpenedStore(state: store, events: store, close: { await store.close() })
        }
    }
}

/// An open store: its state and its webhook events, which share one file or one database.
public struct OpenedStore: Sendable {
    public let state: any DurableStore
    public let events: any EventStore
    private let closing: @Sendable () async -> Void

    public init(state: any DurableStore, events: any EventStore, close: @escaping @Sendable () async -> Void) {
        self.state = state
        self.events = events
        self.closing = close
    }

    /// Releases the database connections; the store must not be used afterwards.
    public func close() async { await closing() }
}
