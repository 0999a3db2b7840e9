internal import Crypto
import Foundation

/// Envelope encryption: a fresh 256-bit data key and 96-bit nonce for every value, AES-256-GCM, the data key wrapped
/// by a key-encryption key with an id (Tink's KMSEnvelopeAEAD, the AWS Encryption SDK). Plaintext exists only in the
/// caller's memory.
public struct Envelope: Sendable {
    public let keys: any KeyProvider

    public init(keys: any KeyProvider) { self.keys = keys }

    /// Encrypts `value` for `context` under the provider's current key-encryption key.
    public func seal(_ value: String, for context: SecretContext) throws(SecretError) -> SealedSecret {
        try seal(data: Data(value.utf8), for: context)
    }

    /// Encrypts raw bytes (a webhook body) the same way.
    public func seal(data value: Data, for context: SecretContext) throws(SecretError) -> SealedSecret {
        let kek = try keys.current()
        let dataKey = SymmetricKey(size: .bits256)
        do {
            let payload = try AES.GCM.seal(value, using: dataKey, authenticating: context.associatedData)
            let wrapped = try Self.wrap(dataKey, under: kek)
            guard let combined = payload.combined else { throw SecretError.corrupt }
            return SealedSecret(keyID: kek.id, wrappedKey: wrapped, ciphertext: combined)
        } catch let error as SecretError {
            throw error
        } catch {
            throw .corrupt
        }
    }

    /// Decrypts `sealed`, which must have been sealed for exactly `context`.
    public func open(_ sealed: SealedSecret, for context: SecretContext) throws(SecretError) -> String {
        guard let text = String(data: try openData(sealed, for: context), encoding: .utf8) else { throw .corrupt }
        return text
    }

    /// Decrypts raw bytes sealed with `seal(data:for:)`.
    public func openData(_ sealed: SealedSecret, for context: SecretContext) throws(SecretError) -> Data {
        guard sealed.formatVersion == SealedSecret.currentFormat, context.formatVersion == sealed.formatVersion else {
            throw .unsupportedFormat(sealed.formatVersion)
        }
        let dataKey = try unwrapDataKey(of: sealed)
        do {
            let box = try AES.GCM.SealedBox(combined: sealed.ciphertext)
            return try AES.GCM.open(box, using: dataKey, authenticating: context.associatedData)
        } catch {
            throw .corrupt
        }
    }

    /// The same value re-wrapped under the current key-encryption key, without decrypting the payload.
    public func rewrap(_ sealed: SealedSecret) throws(SecretError) -> SealedSecret {
        let current = try keys.current()
        guard sealed.keyID != current.id else { return sealed }
        let dataKey = try unwrapDataKey(of: sealed)
        do {
            var result = sealed
            result.wrappedKey = try Self.wrap(dataKey, under: current)
            result.keyID = current.id
            return result
        } catch {
            throw .corrupt
        }
    }

    /// The data key's bytes inside `sealed`, for tests that check every seal draws a fresh one.
    func rawDataKey(of sealed: SealedSecret) throws(SecretError) -> Data {
        try unwrapDataKey(of: sealed).withUnsafeBytes { Data($0) }
    }

    private func unwrapDataKey(of sealed: SealedSecret) throws(SecretError) -> SymmetricKey {
        let kek = try keys.key(id: sealed.keyID)
        do {
            let box = try AES.GCM.SealedBox(combined: sealed.wrappedKey)
            let raw = try AES.GCM.open(box, using: kek.key, authenticating: Self.wrapContext(kek.id))
            guard raw.count == 32 else { throw SecretError.corrupt }
            return SymmetricKey(data: raw)
        } catch {
            throw .corrupt
        }
    }

    private static func wrap(_ dataKey: SymmetricKey, under kek: KeyEncryptionKey) throws -> Data {
        let raw = dataKey.withUnsafeBytes { Data($0) }
        let box = try AES.GCM.seal(raw, using: kek.key, authenticating: wrapContext(kek.id))
        guard let combined = box.combined else { throw SecretError.corrupt }
        return combined
    }

    /// A wrapped key names the key that wrapped it, so a row relabelled with another key id fails.
    private static func wrapContext(_ keyID: String) -> Data { Data("sheen-data-key-v1|\(keyID)".utf8) }
}
