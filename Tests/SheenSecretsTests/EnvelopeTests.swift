import Foundation
import Testing

@testable import SheenSecrets

@Suite("Envelope encryption")
struct EnvelopeTests {
    let keys = StaticKeys()
    var envelope: Envelope { Envelope(keys: keys) }
    let context = SecretContext(connectionID: "c-1", provider: "tap", environment: "dev", field: "secret_key")

    @Test("a sealed value opens for its own context and for no other")
    func boundToContext() throws {
        let sealed = try envelope.seal("sk_test_canary", for: context)
        #expect(try envelope.open(sealed, for: context) == "sk_test_canary")
        let others = [
            SecretContext(connectionID: "c-2", provider: "tap", environment: "dev", field: "secret_key"),
            SecretContext(connectionID: "c-1", provider: "stripe", environment: "dev", field: "secret_key"),
            SecretContext(connectionID: "c-1", provider: "tap", environment: "prod", field: "secret_key"),
            SecretContext(connectionID: "c-1", provider: "tap", environment: "dev", field: "public_key"),
            // Length prefixes: shifting a character between fields is another context.
            SecretContext(connectionID: "c-1t", provider: "ap", environment: "dev", field: "secret_key"),
        ]
        for other in others {
            #expect(throws: SecretError.corrupt) { try envelope.open(sealed, for: other) }
        }
        var newer = context
        newer.formatVersion = 2
        #expect(throws: SecretError.unsupportedFormat(1)) { try envelope.open(sealed, for: newer) }
    }

    @Test("flipping any byte, or truncating at any length, fails to open")
    func tamper() throws {
        let sealed = try envelope.seal("sk_test_canary", for: context)
        for index in sealed.ciphertext.indices {
            var bad = sealed
            bad.ciphertext[index] ^= 0x01
            #expect(throws: SecretError.corrupt) { try envelope.open(bad, for: context) }
        }
        for index in sealed.wrappedKey.indices {
            var bad = sealed
            bad.wrappedKey[index] ^= 0x80
            #expect(throws: SecretError.corrupt) { try envelope.open(bad, for: context) }
        }
        for length in 0..<sealed.ciphertext.count {
            var bad = sealed
            bad.ciphertext = sealed.ciphertext.prefix(length)
            #expect(throws: SecretError.corrupt) { try envelope.open(bad, for: context) }
        }
        for length in 0..<sealed.wrappedKey.count {
            var bad = sealed
            bad.wrappedKey = sealed.wrappedKey.prefix(length)
            #expect(throws: SecretError.corrupt) { try envelope.open(bad, for: context) }
        }
    }

    @Test("a ciphertext relabelled with another key id fails, even when that key exists")
    func relabelled() throws {
        let sealed = try envelope.seal("value-123", for: context)
        keys.add(KeyEncryptionKey.generate(), current: true)
        var bad = sealed
        bad.keyID = try keys.current().id
        #expect(throws: SecretError.corrupt) { try envelope.open(bad, for: context) }
        bad.keyID = "kek-unknown"
        #expect(throws: SecretError.unknownKey("kek-unknown")) { try envelope.open(bad, for: context) }
    }

    @Test("10,000 encryptions of one value use 10,000 distinct data keys and nonces")
    func freshKeys() throws {
        var dataKeys: Set<Data> = []
        var nonces: Set<Data> = []
        var wrapNonces: Set<Data> = []
        for _ in 0..<10_000 {
            let sealed = try envelope.seal("the same value", for: context)
            dataKeys.insert(try envelope.rawDataKey(of: sealed))
            nonces.insert(sealed.ciphertext.prefix(12))
            wrapNonces.insert(sealed.wrappedKey.prefix(12))
        }
        #expect(dataKeys.count == 10_000)
        #expect(nonces.count == 10_000)
        #expect(wrapNonces.count == 10_000)
    }

    @Test("re-wrapping moves a value to the current key without touching its payload")
    func rewrap() throws {
        let sealed = try envelope.seal("sk_live_rotated", for: context)
        let old = sealed.keyID
        keys.add(KeyEncryptionKey.generate(), current: true)
        let moved = try envelope.rewrap(sealed)
        #expect(moved.keyID != old)
        #expect(moved.ciphertext == sealed.ciphertext)
        #expect(try envelope.open(moved, for: context) == "sk_live_rotated")
        #expect(try envelope.open(sealed, for: context) == "sk_live_rotated", "the old key still opens the old row")
        keys.remove(old)
        #expect(try envelope.open(moved, for: context) == "sk_live_rotated")
        #expect(throws: SecretError.unknownKey(old)) { try envelope.open(sealed, for: context) }
    }

    @Test("fingerprints are stable, short, per field, and not the value")
    func fingerprints() throws {
        let first = try SecretFingerprint.of("sk_test_abcdef", field: "secret_key", keys: keys)
        #expect(first == (try SecretFingerprint.of("sk_test_abcdef", field: "secret_key", keys: keys)))
        #expect(first.count == 12)
        #expect(first != (try SecretFingerprint.of("sk_test_abcdeg", field: "secret_key", keys: keys)))
        #expect(first != (try SecretFingerprint.of("sk_test_abcdef", field: "public_key", keys: keys)))
        #expect(first != (try SecretFingerprint.of("sk_test_abcdef", field: "secret_key", keys: StaticKeys())))
    }
}

/// Keys held in memory for tests.
final class StaticKeys: ManagedKeyProvider, @unchecked Sendable {
    private let lock = NSLock()
    private var keys: [KeyEncryptionKey]
    private var currentID: String

    init() {
        let key = KeyEncryptionKey.generate()
        keys = [key]
        currentID = key.id
    }

    func add(_ key: KeyEncryptionKey, current: Bool) {
        lock.withLock {
            keys.append(key)
            if current { currentID = key.id }
        }
    }

    func remove(_ id: String) { lock.withLock { keys.removeAll { $0.id == id } } }

    func current() throws(SecretError) -> KeyEncryptionKey {
        guard let key = lock.withLock({ keys.first { $0.id == currentID } }) else { throw .unknownKey(currentID) }
        return key
    }

    func key(id: String) throws(SecretError) -> KeyEncryptionKey {
        guard let key = lock.withLock({ keys.first { $0.id == id } }) else { throw .unknownKey(id) }
        return key
    }

    func keyIDs() throws(SecretError) -> [String] { lock.withLock { keys.map(\.id) } }

    func addCurrentKey() throws(SecretError) -> KeyEncryptionKey {
        let key = KeyEncryptionKey.generate()
        add(key, current: true)
        return key
    }

    func remove(id: String) throws(SecretError) { remove(id) }
}
