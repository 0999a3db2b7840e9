import Foundation
import Synchronization

/// Key-encryption keys in a file kept outside the project (by default `~/.config/sheen/keyring.json`), created 0600
/// on first use and refused when group- or world-readable. Losing this file loses every secret it wraps: back it up
/// where the project's backups are not.
public final class KeyringFile: ManagedKeyProvider {
    public let path: String
    private let cache = Mutex<Contents?>(nil)

    public init(path: String) { self.path = path }

    /// `$SHEEN_KEYRING`, else `$XDG_CONFIG_HOME/sheen/keyring.json`, else `~/.config/sheen/keyring.json`.
    public static func defaultPath(environment: [String: String]) -> String {
        if let explicit = environment["SHEEN_KEYRING"], !explicit.isEmpty { return explicit }
        let config =
            environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) as NSString).appendingPathComponent(".config")
        return ((config as NSString).appendingPathComponent("sheen") as NSString).appendingPathComponent(
            "keyring.json")
    }

    public func current() throws(SecretError) -> KeyEncryptionKey {
        var contents = try load()
        if contents.keys.isEmpty {
            // First use: make the keyring.
            let key = KeyEncryptionKey.generate()
            contents = Contents(current: key.id, keys: [key])
            try save(contents)
        }
        guard let key = contents.keys.first(where: { $0.id == contents.current }) else {
            throw .unknownKey(contents.current)
        }
        return key
    }

    public func key(id: String) throws(SecretError) -> KeyEncryptionKey {
        guard let key = try load().keys.first(where: { $0.id == id }) else { throw .unknownKey(id) }
        return key
    }

    public func keyIDs() throws(SecretError) -> [String] {
        let contents = try load()
        return contents.keys.map(\.id).sorted { first, _ in first == contents.current }
    }

    public func addCurrentKey() throws(SecretError) -> KeyEncryptionKey {
        var contents = try load()
        let key = KeyEncryptionKey.generate()
        contents.keys.append(key)
        contents.current = key.id
        try save(contents)
        return key
    }

    public func remove(id: String) throws(SecretError) {
        var contents = try load()
        guard contents.keys.contains(where: { $0.id == id }) else { throw .keyNotFound(id) }
        guard contents.current != id else { throw .cannotRetireCurrent(id) }
        contents.keys.removeAll { $0.id == id }
        try save(contents)
    }

    // MARK: File

    struct Contents {
        var current: String
        var keys: [KeyEncryptionKey]
    }

    private struct Document: Codable {
        // swift-format-ignore: AlwaysUseLowerCamelCase
        var format_version: Int
        var current: String
        var keys: [Entry]

        struct Entry: Codable {
            var id: String
            var key: String
        }
    }

    private func load() throws(SecretError) -> Contents {
        if let cached = cache.withLock({ $0 }) { return cached }
        guard FileManager.default.fileExists(atPath: path) else { return Contents(current: "", keys: []) }
        try checkPermissions()
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .keyFileUnreadable(path: path, reason: "\(error.localizedDescription)")
        }
        guard let document = try? JSONDecoder().decode(Document.self, from: data), document.format_version == 1 else {
            throw .keyFileUnreadable(path: path, reason: "not a sheen keyring (format_version 1)")
        }
        var keys: [KeyEncryptionKey] = []
        for entry in document.keys {
            guard let raw = Data(base64Encoded: entry.key), let key = KeyEncryptionKey(raw: raw, id: entry.id) else {
                throw .keyFileUnreadable(path: path, reason: "key '\(entry.id)' is not a base64 256-bit key")
            }
            keys.append(key)
        }
        let contents = Contents(current: document.current, keys: keys)
        cache.withLock { $0 = contents }
        return contents
    }

    private func checkPermissions() throws(SecretError) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let mode = (attributes[.posixPermissions] as? NSNumber)?.uint16Value
        else { throw .keyFileUnreadable(path: path, reason: "cannot read its permissions") }
        if mode & 0o077 != 0 { throw .keyFileUnsafe(path: path, mode: String(mode, radix: 8)) }
    }

    /// Writes a temporary file created 0600 and renames it over the keyring, so a crash leaves the old file or the
    /// new one, never a torn or world-readable one.
    private func save(_ contents: Contents) throws(SecretError) {
        let document = Document(
            format_version: 1, current: contents.current,
            keys: contents.keys.map { Document.Entry(id: $0.id, key: $0.base64) })
        do {
            let directory = (path as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let data = try encoder.encode(document)
            let temporary = path + ".tmp-\(getpid())"
            guard
                FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: 0o600])
            else { throw SecretError.keyFileUnreadable(path: path, reason: "cannot create it") }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
            guard rename(temporary, path) == 0 else {
                throw SecretError.keyFileUnreadable(path: path, reason: String(cString: strerror(errno)))
            }
        } catch let error as SecretError {
            throw error
        } catch {
            throw .keyFileUnreadable(path: path, reason: "\(error.localizedDescription)")
        }
        cache.withLock { $0 = contents }
    }
}
