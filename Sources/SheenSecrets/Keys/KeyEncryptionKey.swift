internal import Crypto
import Foundation

/// A 256-bit key that wraps data keys, known by an id stored next to everything it wraps.
public struct KeyEncryptionKey: Sendable {
    public let id: String
    let key: SymmetricKey

    /// `raw` must be 32 bytes; the id is derived from it unless given.
    public init?(raw: Data, id: String? = nil) {
        guard raw.count == 32 else { return nil }
        self.init(key: SymmetricKey(data: raw), id: id ?? Self.derivedID(raw))
    }

    private init(key: SymmetricKey, id: String) {
        self.key = key
        self.id = id
    }

    /// A fresh key from the system's secure random generator.
    public static func generate() -> KeyEncryptionKey {
        let key = SymmetricKey(size: .bits256)
        return KeyEncryptionKey(key: key, id: derivedID(key.withUnsafeBytes { Data($0) }))
    }

    /// The base64 of the key material, for the key file only.
    var base64: String { key.withUnsafeBytes { Data($0) }.base64EncodedString() }

    /// `kek-` and 12 hex digits of a domain-separated SHA-256: stable for the same key, revealing nothing of it.
    static func derivedID(_ raw: Data) -> String {
        var hash = SHA256()
        hash.update(data: Data("sheen-key-id-v1".utf8))
        hash.update(data: raw)
        return "kek-" + hash.finalize().prefix(6).map { String(format: "%02x", $0) }.joined()
    }
}
