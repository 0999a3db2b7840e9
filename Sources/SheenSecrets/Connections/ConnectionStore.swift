import SheenModel

/// Durable connections and their sealed credentials. SQLite implements it today, PostgreSQL later, behind the same
/// contract.
public protocol ConnectionStore: Sendable {
    /// Every stored connection of `project` (all projects when `nil`), ordered by provider, environment and alias.
    func connections(project: String?) async throws -> [Connection]

    /// Inserts `connection` (or replaces the row with its id) and writes `secrets` in one transaction. Fails with
    /// `ConnectionStoreError.duplicate` when another connection holds the same project, provider, environment and
    /// alias.
    func save(_ connection: Connection, secrets: [SecretRecord]) async throws

    /// Saves many connections in one transaction (an import, a migration): all or none.
    func saveAll(_ batch: [(connection: Connection, secrets: [SecretRecord])]) async throws

    /// Deletes the connection and its secrets; `false` when there was none.
    func removeConnection(id: String) async throws -> Bool

    func secrets(of connectionID: String) async throws -> [SecretRecord]

    /// Writes (or replaces) pending values for some fields of a connection.
    func stagePending(_ secrets: [SecretRecord]) async throws

    /// Makes every pending value of the connection current, in one transaction.
    func promotePending(connectionID: String) async throws

    func discardPending(connectionID: String) async throws

    /// Records why the connection last failed (or `nil` once it works again).
    func setProblem(_ problem: LocalizedText?, connectionID: String) async throws

    // MARK: Keys

    /// How many sealed values each key-encryption key wraps.
    func keyUsage() async throws -> [String: Int]

    /// Up to `limit` sealed values wrapped by a key other than `keyID`.
    func secrets(notWrappedBy keyID: String, limit: Int) async throws -> [SecretRecord]

    /// Replaces the wrapping of each record, only where it is still wrapped as read (so two rotations never undo each
    /// other); returns how many rows changed. One transaction.
    func rewrap(_ changes: [(old: SecretRecord, new: SealedSecret)]) async throws -> Int
}

public enum ConnectionStoreError: Error, Sendable, Equatable {
    case duplicate(reference: String, environment: String)
}
