import Foundation
import SheenModel
import SheenSecrets

/// The behaviour every ``ConnectionStore`` must have, run against the SQLite file and PostgreSQL alike.
public enum ConnectionStoreContract {
    static func check(_ condition: Bool, _ message: String) throws { try StateStoreContract.check(condition, message) }

    static let at = Date(timeIntervalSince1970: 1_800_000_000)

    static func connection(
        _ id: String, provider: String, alias: String = "default", project: String = "souq"
    )
        -> Connection
    {
        Connection(
            id: id, project: project, provider: provider, environment: .dev, alias: alias,
            markets: ["SA", "KW"].compactMap(CountryCode.init(rawValue:)),
            externalAccountID: "acct_\(id)", sandbox: true, baseURL: "http://127.0.0.1:9", fields: ["region": "sa"],
            createdAt: at, updatedAt: at)
    }

    static func secret(
        _ connection: String, _ field: String, key: String = "kek-1", value: String, slot: SecretRecord.Slot = .current
    )
        -> SecretRecord
    {
        SecretRecord(
            connectionID: connection, field: field, slot: slot,
            sealed: SealedSecret(keyID: key, wrappedKey: Data("wrapped-\(key)".utf8), ciphertext: Data(value.utf8)),
            fingerprint: "fp-\(value)", setAt: at)
    }

    public static func run(_ store: any ConnectionStore) async throws {
        let tap = connection("c-tap", provider: "tap")
        try await store.save(tap, secrets: [secret("c-tap", "secret_key", value: "one")])
        try await store.save(connection("c-stripe", provider: "stripe"), secrets: [])
        try await store.save(connection("c-other", provider: "tap", project: "dukkan"), secrets: [])
        let souq = try await store.connections(project: "souq")
        try check(souq.map(\.provider) == ["stripe", "tap"], "connections are per project, by provider: \(souq)")
        try check(souq.last == tap, "every field round-trips: \(String(describing: souq.last))")
        try check(try await store.connections(project: nil).count == 3, "nil lists every project's")

        do {
            try await store.save(connection("c-clash", provider: "tap"), secrets: [])
            throw StateStoreContract.Violation(description: "a second tap/default in one project must be refused")
        } catch ConnectionStoreError.duplicate(let reference, let environment) {
            try check(reference == "tap/default" && environment == "dev", "the clash names the connection")
        }
        do {
            try await store.saveAll([
                (connection("c-batch", provider: "paymob"), []), (connection("c-clash", provider: "tap"), []),
            ])
            throw StateStoreContract.Violation(description: "a batch with a clash must be refused")
        } catch is ConnectionStoreError {}
        try check(
            try await store.connections(project: "souq").allSatisfy { $0.id != "c-batch" },
            "a refused batch writes nothing of itself")

        var updated = tap
        updated.markets = ["AE"].compactMap(CountryCode.init(rawValue:))
        updated.updatedAt = at.addingTimeInterval(5)
        try await store.save(updated, secrets: [])
        try check(
            try await store.connections(project: "souq").last?.markets.map(\.rawValue) == ["AE"],
            "saving the same id replaces the row")
        try check(try await store.secrets(of: "c-tap").map(\.sealed.ciphertext) == [Data("one".utf8)], "secrets kept")

        // Rotation of a credential: staged, then promoted or discarded, each in one transaction.
        try await store.stagePending([secret("c-tap", "secret_key", value: "two")])
        var secrets = try await store.secrets(of: "c-tap")
        try check(secrets.map(\.slot) == [.current, .pending], "a staged value sits beside the current one")
        try await store.discardPending(connectionID: "c-tap")
        try check(try await store.secrets(of: "c-tap").count == 1, "discarding drops only the pending value")
        try await store.stagePending([secret("c-tap", "secret_key", value: "three")])
        try await store.setProblem(LocalizedText(en: "401", ar: "401"), connectionID: "c-tap")
        try check(
            try await store.connections(project: "souq").last?.problem?.en == "401", "a problem is recorded")
        try await store.promotePending(connectionID: "c-tap")
        secrets = try await store.secrets(of: "c-tap")
        try check(
            secrets.map(\.slot) == [.current] && secrets.first?.sealed.ciphertext == Data("three".utf8),
            "promoting makes the pending value current: \(secrets)")
        try check(
            try await store.connections(project: "souq").last?.problem == nil, "promoting clears the problem")

        // Key rotation: usage per key, the values still under an old key, and a rewrap that never undoes another.
        try await store.save(
            connection("c-unifonic", provider: "unifonic"),
            secrets: [secret("c-unifonic", "app_sid", key: "kek-0", value: "u")])
        try check(try await store.keyUsage() == ["kek-1": 1, "kek-0": 1], "usage per key")
        let stale = try await store.secrets(notWrappedBy: "kek-1", limit: 10)
        try check(stale.map(\.connectionID) == ["c-unifonic"], "what is still under another key")
        let moved = SealedSecret(
            keyID: "kek-1", wrappedKey: Data("rewrapped".utf8), ciphertext: stale[0].sealed.ciphertext)
        try check(try await store.rewrap([(stale[0], moved)]) == 1, "a rewrap changes the row it read")
        try check(
            try await store.rewrap([(stale[0], moved)]) == 0, "a second rewrap of the old reading changes nothing")
        try check(try await store.keyUsage() == ["kek-1": 2], "every value under the current key")

        try check(try await store.removeConnection(id: "c-tap"), "removing says it removed")
        try check(try await !store.removeConnection(id: "c-tap"), "removing twice says there was none")
        try check(try await store.secrets(of: "c-tap").isEmpty, "a removed connection's secrets go with it")
    }
}
