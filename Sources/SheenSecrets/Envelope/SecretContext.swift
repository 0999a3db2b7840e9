import Foundation

/// What a ciphertext belongs to. Its canonical bytes are the AES-GCM associated data, so a ciphertext copied to another
/// connection, provider, environment or field, or read under another format version, fails to decrypt.
public struct SecretContext: Sendable, Hashable {
    public var connectionID: String
    public var provider: String
    public var environment: String
    public var field: String
    public var formatVersion: UInt8

    public init(
        connectionID: String, provider: String, environment: String, field: String,
        formatVersion: UInt8 = SealedSecret.currentFormat
    ) {
        self.connectionID = connectionID
        self.provider = provider
        self.environment = environment
        self.field = field
        self.formatVersion = formatVersion
    }

    /// Length-prefixed fields, so no two contexts share bytes ("ab"+"c" never equals "a"+"bc").
    var associatedData: Data {
        var data = Data("sheen-secret".utf8)
        data.append(formatVersion)
        for part in [connectionID, provider, environment, field] {
            let bytes = Data(part.utf8)
            withUnsafeBytes(of: UInt32(bytes.count).bigEndian) { data.append(contentsOf: $0) }
            data.append(bytes)
        }
        return data
    }
}
