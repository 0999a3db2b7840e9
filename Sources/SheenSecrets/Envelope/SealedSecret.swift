import Foundation

/// One encrypted value at rest: the payload under its own data key, and that data key wrapped by a key-encryption key.
///
/// Rotating the key-encryption key rewrites only `keyID` and `wrappedKey`; the payload is never touched, so a rotation
/// killed half-way leaves every row readable under one key or the other.
public struct SealedSecret: Sendable, Hashable {
    public static let currentFormat: UInt8 = 1

    public var formatVersion: UInt8
    /// The key-encryption key that wraps `wrappedKey`.
    public var keyID: String
    /// nonce ‖ AES-256-GCM(KEK, data key) ‖ tag, with the key id as associated data.
    public var wrappedKey: Data
    /// nonce ‖ AES-256-GCM(data key, value) ‖ tag, with the `SecretContext` as associated data.
    public var ciphertext: Data

    public init(formatVersion: UInt8 = SealedSecret.currentFormat, keyID: String, wrappedKey: Data, ciphertext: Data) {
        self.formatVersion = formatVersion
        self.keyID = keyID
        self.wrappedKey = wrappedKey
        self.ciphertext = ciphertext
    }
}
