import Synchronization

/// Picks where keys come from: `SHEEN_MASTER_KEY` when set, else the key file.
public enum KeySource {
    public static func provider(environment: [String: String]) throws(SecretError) -> any KeyProvider {
        if let fromEnvironment = try EnvironmentKeyProvider(environment: environment) { return fromEnvironment }
        return KeyringFile(path: KeyringFile.defaultPath(environment: environment))
    }
}

/// The key provider `KeySource` picks, chosen on first use: commands that may never touch a secret (a plan, an apply
/// with no connections) neither read the key file nor fail on a malformed `SHEEN_MASTER_KEY`.
public final class DeferredKeyProvider: KeyProvider {
    private let environment: [String: String]
    private let resolved = Mutex<(any KeyProvider)?>(nil)

    public init(environment: [String: String]) { self.environment = environment }

    private func provider() throws(SecretError) -> any KeyProvider {
        if let existing = resolved.withLock({ $0 }) { return existing }
        let made = try KeySource.provider(environment: environment)
        resolved.withLock { $0 = made }
        return made
    }

    public func current() throws(SecretError) -> KeyEncryptionKey { try provider().current() }
    public func key(id: String) throws(SecretError) -> KeyEncryptionKey { try provider().key(id: id) }
    public func keyIDs() throws(SecretError) -> [String] { try provider().keyIDs() }

    /// The provider underneath, for `sheen keys` (rotation needs to know whether Sheen manages the keys).
    public func underlying() throws(SecretError) -> any KeyProvider { try provider() }
}
