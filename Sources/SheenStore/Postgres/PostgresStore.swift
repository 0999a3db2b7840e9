import Foundation
import Logging
import NIOSSL
import PostgresNIO
import SheenDatabase
import SheenEngine
import SheenModel
import Synchronization

/// The shared store on PostgreSQL: the journal and leases, breaker state, connections and sealed credentials, webhook
/// events, checklist conditions, shared rate limits and the work queue of `sheen worker`, for many processes on many
/// machines at once. It passes the same contract suites as ``SQLiteStateStore``.
///
/// One pooled client (postgres-nio) per process; every write is one transaction, and every decision that several
/// processes race for (a lease, a claim, a token) is one statement or one row lock, never read-then-write across
/// round trips.
public final class PostgresStore: Sendable {
    public let url: DatabaseURL
    let client: PostgresClient
    let logger: Logger
    let faults: JournalFaults?
    let journal: PostgresJournal
    let ingestBatcher: EventBatcher
    let listener = WorkListener()
    private let running: Task<Void, Never>

    /// Connects to `url`, migrates the schema (one process at a time, under an advisory lock) and returns the store.
    /// Throws ``StoreOpenError`` naming the server, never its password.
    public static func open(
        _ url: DatabaseURL, maximumConnections: Int = 20, faults: JournalFaults? = nil
    ) async throws -> PostgresStore {
        let store: PostgresStore
        do {
            store = try PostgresStore(url: url, maximumConnections: maximumConnections, faults: faults)
        } catch {
            throw StoreOpenError(location: url.description, reason: "TLS cannot be set up: \(error)")
        }
        do {
            try await store.migrate()
        } catch {
            // The pool only says its connection attempts tripped a breaker; one plain connection says why (refused,
            // no such database, a wrong password). Made only on failure, so a healthy start pays nothing for it.
            let reason: String
            do {
                try await store.probe()
                reason = Self.describe(error)
            } catch let probed {
                reason = Self.describe(probed)
            }
            await store.close()
            throw StoreOpenError(location: url.description, reason: reason)
        }
        return store
    }

    private init(url: DatabaseURL, maximumConnections: Int, faults: JournalFaults?) throws {
        self.url = url
        self.faults = faults
        var logger = Logger(label: "sheen.store.postgres")
        logger.logLevel = .critical
        self.logger = logger
        var configuration = PostgresClient.Configuration(url)
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(5)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        journal = PostgresJournal(faults: faults) { [logger] batch in
            try await PostgresStore.writeBatch(batch, client: client, logger: logger)
        }
        ingestBatcher = EventBatcher { [logger] batch in
            try await PostgresStore.insert(batch, client: client, logger: logger)
        }
        running = Task { await client.run() }
    }

    private func probe() async throws {
        let connection = try await PostgresConnection.connect(
            configuration: try PostgresConnection.Configuration(url), id: 0, logger: logger)
        try await connection.close()
    }

    /// Closes the pool. The store must not be used afterwards.
    public func close() async {
        listener.stop()
        running.cancel()
        await running.value
    }

    /// The server's message and SQLSTATE, or the connection failure; never the URL's password.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] {
            return message + (error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? "")
        }
        if let underlying = error.underlying { return "\(underlying)" }
        if error.code == .serverClosedConnection || error.code == .connectionError { return "the connection failed" }
        return "\(error.code)"
    }

    // MARK: Statements

    /// Every row of `query`, for reading by column name.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        try await client.withConnection { connection in try await connection.rows(query, logger: logger) }
    }

    /// Runs one statement on a pooled connection; returns how many rows it returned.
    @discardableResult
    func execute(_ query: PostgresQuery) async throws -> Int {
        try await client.withConnection { connection in try await connection.run(query, logger: logger) }
    }

    /// Runs `body` in one transaction on one pooled connection; committed if it returns, rolled back if it throws.
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await Self.transaction(client, logger: logger, body)
    }

    /// ``transaction(_:)`` on `client`. What `body` threw is what the caller sees (a lost lease, a duplicate), not
    /// postgres-nio's wrapper around it; a failed commit or rollback surfaces as the database's error.
    static func transaction<T: Sendable>(
        _ client: PostgresClient, logger: Logger, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            if let thrown = error.closureError { throw thrown }
            if let failed = error.beginError ?? error.commitError ?? error.rollbackError { throw failed }
            throw error
        }
    }
}

extension PostgresConnection {
    /// Every row of `query`, for reading by column name.
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRandomAccessRow] {
        var rows: [PostgresRandomAccessRow] = []
        for try await row in try await self.query(query, logger: logger) { rows.append(row.makeRandomAccess()) }
        return rows
    }

    /// Runs `query`, returning how many rows it returned (statements end in `RETURNING 1` to count what they changed).
    @discardableResult
    func run(_ query: PostgresQuery, logger: Logger) async throws -> Int {
        var count = 0
        for try await _ in try await self.query(query, logger: logger) { count += 1 }
        return count
    }
}

extension PostgresRandomAccessRow {
    /// The value of `column`, decoded as `T` (an optional for a nullable column).
    func value<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try self[column].decode(T.self)
    }

    /// A `double precision` column of seconds since 1970.
    func date(_ column: String) throws -> Date { Date(timeIntervalSince1970: try value(column, as: Double.self)) }

    func optionalDate(_ column: String) throws -> Date? {
        try value(column, as: Double?.self).map(Date.init(timeIntervalSince1970:))
    }
}

/// A store that could not be opened: which one, and why.
public struct StoreOpenError: Error, Sendable, CustomStringConvertible {
    public var location: String
    public var reason: String

    public init(location: String, reason: String) {
        self.location = location
        self.reason = reason
    }

    public var description: String { "the store at \(location) cannot be opened: \(reason)" }
}
