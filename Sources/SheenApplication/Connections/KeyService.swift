import SheenSecrets

/// `sheen keys`: which key-encryption keys wrap stored credentials, rotating to a new one, and retiring an unused one.
public struct KeyService: Sendable {
    public let store: any ConnectionStore
    public let keys: any KeyProvider
    /// Rows re-wrapped per transaction: small enough that a kill loses little work, large enough to be quick.
    public let batchSize: Int

    public init(store: any ConnectionStore, keys: any KeyProvider, batchSize: Int = 500) {
        self.store = store
        self.keys = keys
        self.batchSize = batchSize
    }

    public struct Status: Sendable, Hashable {
        public struct Key: Sendable, Hashable {
            public var id: String
            public var current: Bool
            /// How many sealed values it wraps; 0 means it can be retired.
            public var uses: Int
            /// Whether the key provider still holds it (a key in use but missing means lost credentials).
            public var held: Bool
        }

        public var keys: [Key]
    }

    public func status() async throws -> Status {
        let usage = try await store.keyUsage()
        let held = try keys.keyIDs()
        let current = try keys.current().id
        var entries = held.map { id in
            Status.Key(id: id, current: id == current, uses: usage[id] ?? 0, held: true)
        }
        for (id, uses) in usage.sorted(by: { $0.key < $1.key }) where !held.contains(id) {
            entries.append(Status.Key(id: id, current: false, uses: uses, held: false))
        }
        return Status(keys: entries)
    }

    public struct Rotation: Sendable, Hashable {
        /// The key everything is now wrapped under.
        public var keyID: String
        /// Whether a new key was made (a rerun after an interruption finishes the earlier rotation instead).
        public var newKey: Bool
        public var rewrapped: Int
    }

    /// Re-wraps every data key under a new key-encryption key, in batches, touching no payload. Rerun after a kill,
    /// it first finishes the interrupted rotation (rows still under an older key), so nothing is lost or done twice.
    /// With keys from the environment, the new key is whatever `SHEEN_MASTER_KEY` now holds.
    public func rotate(
        pauseBetweenBatches: Duration = .zero, progress: @Sendable (Int) -> Void = { _ in }
    ) async throws -> Rotation {
        let envelope = Envelope(keys: keys)
        var current = try keys.current().id
        var newKey = false
        let usage = try await store.keyUsage()
        let unfinished = usage.contains { $0.key != current && $0.value > 0 }
        if !unfinished, let managed = keys as? any ManagedKeyProvider {
            current = try managed.addCurrentKey().id
            newKey = true
        }
        var rewrapped = 0
        while true {
            let batch = try await store.secrets(notWrappedBy: current, limit: batchSize)
            if batch.isEmpty { break }
            var changes: [(old: SecretRecord, new: SealedSecret)] = []
            for record in batch { changes.append((record, try envelope.rewrap(record.sealed))) }
            let changed = try await store.rewrap(changes)
            rewrapped += changed
            progress(rewrapped)
            if pauseBetweenBatches > .zero { try await Task.sleep(for: pauseBetweenBatches) }
            // A concurrent writer changed every row we read: read again rather than spin on the same batch.
            if changed == 0 { continue }
        }
        return Rotation(keyID: current, newKey: newKey, rewrapped: rewrapped)
    }

    /// Forgets key `id`; refused while it wraps anything or is current.
    public func retire(_ id: String) async throws {
        guard let managed = keys as? any ManagedKeyProvider else {
            throw SecretError.noKey(
                hint: "keys from SHEEN_MASTER_KEY are retired by removing them from SHEEN_PREVIOUS_MASTER_KEYS")
        }
        if try keys.current().id == id { throw SecretError.cannotRetireCurrent(id) }
        if let uses = try await store.keyUsage()[id], uses > 0 { throw SecretError.keyInUse(id) }
        try managed.remove(id: id)
    }
}
