import Foundation

/// Keys from the environment: `SHEEN_MASTER_KEY` (base64, 32 bytes) wraps new data keys; `SHEEN_PREVIOUS_MASTER_KEYS`
/// (comma-separated) still unwraps, so a key rotated in a secret manager can be re-wrapped away with
/// `sheen keys rotate`.
public struct EnvironmentKeyProvider: KeyProvider {
    private let currentKey: KeyEncryptionKey
    private let previous: [KeyEncryptionKey]

    public static let variable = "SHEEN_MASTER_KEY"
    public static let previousVariable = "SHEEN_PREVIOUS_MASTER_KEYS"

    /// `nil` when `SHEEN_MASTER_KEY` is unset; an error when it is set but not a key.
    public init?(environment: [String: String]) throws(SecretError) {
        guard let text = environment[Self.variable], !text.isEmpty else { return nil }
        guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespaces)),
            let key = KeyEncryptionKey(raw: data)
        else { throw .invalidKey(source: Self.variable) }
        currentKey = key
        var previous: [KeyEncryptionKey] = []
        for item in (environment[Self.previousVariable] ?? "").split(separator: ",") {
            guard let data = Data(base64Encoded: item.trimmingCharacters(in: .whitespaces)),
                let key = KeyEncryptionKey(raw: data)
            else { throw .invalidKey(source: Self.previousVariable) }
            previous.append(key)
        }
        self.previous = previous
    }

    public func current() throws(SecretError) -> KeyEncryptionKey { currentKey }

    public func key(id: String) throws(SecretError) -> KeyEncryptionKey {
        if currentKey.id == id { return currentKey }
        guard let key = previous.first(where: { $0.id == id }) else { throw .unknownKey(id) }
        return key
    }

    public func keyIDs() throws(SecretError) -> [String] { [currentKey.id] + previous.map(\.id) }
}
