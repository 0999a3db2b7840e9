import Foundation
import SheenEngine
import SheenModel
import SheenStore
import SheenTestSupport
import Testing

@Suite("State stores")
struct SQLiteStateStoreTests {
    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("sheen-store-\(UUID().uuidString)/state.sqlite")
            .path
    }

    @Test("the in-memory store meets the contract")
    func inMemoryContract() async throws {
        try await StateStoreContract.run(InMemoryStateStore())
    }

    @Test("the SQLite store meets the contract, in memory and on disk")
    func sqliteContract() async throws {
        try await StateStoreContract.run(try SQLiteStateStore.inMemory())
        try await StateStoreContract.run(try SQLiteStateStore(path: Self.temporaryPath()))
    }

    @Test("a file store is in WAL mode with synchronous=FULL, and reopening it keeps its rows")
    func durability() async throws {
        let path = Self.temporaryPath()
        do {
            let store = try SQLiteStateStore(path: path)
            try await StateStoreContract.journal(store)
            #expect(try await store.integrityCheck() == "ok")
        }
        let reopened = try SQLiteStateStore(path: path)
        #expect(try await reopened.steps(in: StoreScope(project: "contract", environment: .dev)).map(\.stepID) == ["b"])
        #expect(try await reopened.pragma("journal_mode") == "wal")
        #expect(try await reopened.pragma("synchronous") == "2")
        #expect(try await reopened.pragma("foreign_keys") == "1")
        let trail = try await reopened.transitions(of: "b", in: StoreScope(project: "contract", environment: .dev))
        #expect(trail.map(\.status) == ["in-flight", "succeeded"])
    }
}
