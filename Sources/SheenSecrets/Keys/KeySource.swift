/// Picks where keys come from: `SHEEN_MASTER_KEY` when set, else the key file.
public enum KeySource {
    public static func provider(environment: [String: String]) throws(SecretError) -> any KeyProvider {
        if let fromEnvironment = try EnvironmentKeyProvider(environment: environment) { return fromEnvironment }
        return KeyringFile(path: KeyringFile.defaultPath(environment: environment))
    }
}
