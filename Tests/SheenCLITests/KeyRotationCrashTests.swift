import Foundation
import SheenModel
import SheenSecrets
import SheenStore
import Testing

@Suite("Key rotation under SIGKILL")
struct KeyRotationCrashTests {
    @Test("keys rotate over 10,000 connections, killed while both keys are in use and rerun, loses nothing")
    func killedRotation() async throws {
        let directory = try SheenBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let keyring = directory.appendingPathComponent("keys/keyring.json").path
        let statePath = directory.appendingPathComponent(".sheen/state.sqlite").path
        let store = try SQLiteStateStore(path: statePath)
        let keys = KeyringFile(path: keyring)
        let envelope = Envelope(keys: keys)
        let original = try keys.current().id

        // Given 10,000 connections, each with a sealed secret,
        var batch: [(connection: Connection, secrets: [SecretRecord])] = []
        let now = Date()
        for index in 0..<10_000 {
            let connection = Connection(
                id: "c\(index)", project: "bulk", provider: "stripe", environment: .dev, alias: "a\(index)",
                createdAt: now, updatedAt: now)
            let context = SecretContext(
                connectionID: connection.id, provider: "stripe", environment: "dev", field: "secret_key")
            let sealed = try envelope.seal("sk_test_value_\(index)", for: context)
            batch.append(
                (
                    connection,
                    [
                        SecretRecord(
                            connectionID: connection.id, field: "secret_key", sealed: sealed, fingerprint: "f",
                            setAt: now)
                    ]
                ))
        }
        try await store.saveAll(batch)
        #expect(try await store.keyUsage() == [original: 10_000])

        // when a rotation is killed while rows sit under both keys,
        let process = Process()
        process.executableURL = SheenBinary.url
        process.arguments = ["keys", "rotate", "--state", statePath, "--batch-size", "200", "--pause-ms", "40"]
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["SHEEN_KEYRING"] = keyring
        environment["SHEEN_CATALOG"] = SheenBinary.repository.path
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var mixed = false
        for _ in 0..<2_000 {
            let usage = try await store.keyUsage()
            if usage.count == 2, usage.values.allSatisfy({ $0 > 0 }) {
                mixed = true
                break
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(mixed, "the kill must land mid-rotation")
        #expect(process.terminationReason == .uncaughtSignal)
        let between = try await store.keyUsage()
        #expect(between.count == 2 && between.values.reduce(0, +) == 10_000)

        // then rerunning it finishes the same rotation, and every credential still opens.
        let rerun = try await SheenBinary.run(
            ["keys", "rotate", "--state", statePath, "--json"], in: directory, environment: ["SHEEN_KEYRING": keyring])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stdout.contains(#""new_key" : false"#))
        let after = try await store.keyUsage()
        #expect(after.count == 1 && after.values.first == 10_000 && after.keys.first != original)
        let reread = Envelope(keys: KeyringFile(path: keyring))
        var opened = 0
        for connection in try await store.connections(project: "bulk") {
            for record in try await store.secrets(of: connection.id) {
                let context = SecretContext(
                    connectionID: connection.id, provider: "stripe", environment: "dev", field: record.field)
                if try reread.open(record.sealed, for: context) == "sk_test_value_\(connection.id.dropFirst())" {
                    opened += 1
                }
            }
        }
        #expect(opened == 10_000)
        // The old key now wraps nothing and can be retired; the current one cannot.
        let retire = try await SheenBinary.run(
            ["keys", "retire", original, "--state", statePath], in: directory, environment: ["SHEEN_KEYRING": keyring])
        #expect(retire.status == 0, "\(retire.stderr)")
        let current = try #require(after.keys.first)
        let refused = try await SheenBinary.run(
            ["keys", "retire", current, "--state", statePath], in: directory, environment: ["SHEEN_KEYRING": keyring])
        #expect(refused.status == 1 && refused.stderr.contains("current key"))
    }
}
