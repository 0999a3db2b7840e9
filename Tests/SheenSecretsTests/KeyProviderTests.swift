import Foundation
import SheenModel
import Testing

@testable import SheenSecrets

@Suite("Key providers")
struct KeyProviderTests {
    func temporaryPath() -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sheen-keys-\(UUID())")
        return directory.appendingPathComponent("sheen/keyring.json").path
    }

    @Test("the key file is created 0600 on first use and read back with the same key")
    func createsKeyFile() throws {
        let path = temporaryPath()
        let first = try KeyringFile(path: path).current()
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let again = try KeyringFile(path: path).current()
        #expect(again.id == first.id)
        let sealed = try Envelope(keys: KeyringFile(path: path)).seal("x-secret", for: Self.context)
        #expect(try Envelope(keys: KeyringFile(path: path)).open(sealed, for: Self.context) == "x-secret")
    }

    @Test("a group- or world-readable key file is refused with the chmod that fixes it")
    func refusesReadableFile() throws {
        let path = temporaryPath()
        _ = try KeyringFile(path: path).current()
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect(throws: SecretError.keyFileUnsafe(path: path, mode: "644")) { try KeyringFile(path: path).current() }
        let message = SecretError.keyFileUnsafe(path: path, mode: "644").message.en
        #expect(message.contains("chmod 600"))
    }

    @Test("adding a key makes it current, keeps the old one for unwrapping, and only an unused old key retires")
    func rotation() throws {
        let path = temporaryPath()
        let ring = KeyringFile(path: path)
        let old = try ring.current()
        let new = try ring.addCurrentKey()
        let reread = KeyringFile(path: path)
        #expect(try reread.current().id == new.id)
        #expect(try reread.keyIDs() == [new.id, old.id])
        #expect(throws: SecretError.cannotRetireCurrent(new.id)) { try reread.remove(id: new.id) }
        try reread.remove(id: old.id)
        #expect(try KeyringFile(path: path).keyIDs() == [new.id])
        #expect(throws: SecretError.keyNotFound("kek-none")) { try reread.remove(id: "kek-none") }
    }

    @Test("SHEEN_MASTER_KEY gives a stable key id; a malformed one is refused by name")
    func environment() throws {
        let raw = Data((0..<32).map { UInt8($0) }).base64EncodedString()
        let provider = try #require(try EnvironmentKeyProvider(environment: ["SHEEN_MASTER_KEY": raw]))
        let again = try #require(try EnvironmentKeyProvider(environment: ["SHEEN_MASTER_KEY": raw]))
        #expect(try provider.current().id == again.current().id)
        #expect(try provider.current().id.hasPrefix("kek-"))
        #expect(try EnvironmentKeyProvider(environment: [:]) == nil)
        #expect(throws: SecretError.invalidKey(source: "SHEEN_MASTER_KEY")) {
            try EnvironmentKeyProvider(environment: ["SHEEN_MASTER_KEY": "c2hvcnQ="])
        }
        let previous = Data(repeating: 7, count: 32).base64EncodedString()
        let rotated = try #require(
            try EnvironmentKeyProvider(environment: [
                "SHEEN_MASTER_KEY": previous, "SHEEN_PREVIOUS_MASTER_KEYS": raw,
            ]))
        #expect(try rotated.key(id: provider.current().id).id == provider.current().id)
    }

    static let context = SecretContext(connectionID: "c", provider: "p", environment: "dev", field: "f")
}
