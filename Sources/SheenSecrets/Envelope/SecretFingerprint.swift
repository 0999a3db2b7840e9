internal import Crypto
import Foundation

/// A short keyed hash of a credential, shown instead of the value (`connections show`), so a user can tell two keys
/// apart or confirm a rotation took, without the fingerprint helping anyone guess the key.
public enum SecretFingerprint {
    /// 12 hex digits of HMAC-SHA256 under a key derived (HKDF) from the current key-encryption key.
    public static func of(_ value: String, field: String, keys: any KeyProvider) throws(SecretError) -> String {
        let kek = try keys.current()
        let key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: kek.key, info: Data("sheen-fingerprint-v1".utf8), outputByteCount: 32)
        var message = Data(field.utf8)
        message.append(0)
        message.append(Data(value.utf8))
        let code = HMAC<SHA256>.authenticationCode(for: message, using: key)
        return Data(code).prefix(6).map { String(format: "%02x", $0) }.joined()
    }
}
