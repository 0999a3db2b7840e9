/// Where key-encryption keys come from: an environment variable, a key file, later a cloud KMS.
public protocol KeyProvider: Sendable {
    /// The key new data keys are wrapped under.
    func current() throws(SecretError) -> KeyEncryptionKey
    /// Any key this provider can still unwrap with.
    func key(id: String) throws(SecretError) -> KeyEncryptionKey
    /// Every key id held, current first.
    func keyIDs() throws(SecretError) -> [String]
}

/// A provider whose keys Sheen itself manages, so `sheen keys rotate` can make a new one and `retire` drop an old one.
public protocol ManagedKeyProvider: KeyProvider {
    /// Generates a key, makes it current and keeps the others for unwrapping; returns it.
    func addCurrentKey() throws(SecretError) -> KeyEncryptionKey
    /// Forgets a key that is not current.
    func remove(id: String) throws(SecretError)
}
