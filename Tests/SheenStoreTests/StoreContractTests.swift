import Foundation
import SheenEngine
import SheenStore
import SheenTestSupport
import Testing

/// Every store contract, on each backend: the SQLite file a laptop uses and the PostgreSQL a fleet shares. A backend
/// is one argument, so a behaviour that holds on one and not the other fails by name.
@Suite("Store contracts on SQLite and PostgreSQL")
struct StoreContractTests {
    enum Backend: String, CaseIterable, CustomTestStringConvertible {
        case sqlite, postgres

        var testDescription: String { rawValue }

        /// The backends this run can reach: PostgreSQL when `scripts/test` started one.
        static var reachable: [Backend] { TestPostgres.available ? allCases : [.sqlite] }

        /// A new, empty store of this kind.
        func open() async throws -> OpenedStore {
            switch self {
            case .sqlite:
                let path = FileManager.default.temporaryDirectory.appendingPathComponent("contract-\(UUID()).sqlite")
                return try await StoreLocation.file(path.path).open()
            case .postgres:
                return try await StoreLocation.postgres(try await TestPostgres.freshDatabase()).open()
            }
        }

        /// Runs `body` on a new store of this kind, closing it however `body` ends.
        func with(_ body: (OpenedStore) async throws -> Void) async throws {
            let store = try await open()
            do {
                try await body(store)
            } catch {
                await store.close()
                throw error
            }
            await store.close()
        }
    }

    @Test("the journal, leases (sixteen racing for one) and breakers", arguments: Backend.reachable)
    func state(_ backend: Backend) async throws {
        try await backend.with { try await StateStoreContract.run($0.state) }
    }

    @Test(
        "connections and sealed credentials: save, clash, stage, promote, rewrap, remove", arguments: Backend.reachable)
    func connections(_ backend: Backend) async throws {
        try await backend.with { try await ConnectionStoreContract.run($0.state) }
    }

    @Test("checklist conditions and attestations", arguments: Backend.reachable)
    func checklist(_ backend: Backend) async throws {
        try await backend.with { try await ChecklistStoreContract.run($0.state) }
    }

    @Test("API projects, hashed tokens, the audit log, idempotent launches", arguments: Backend.reachable)
    func console(_ backend: Backend) async throws {
        try await backend.with { try await ConsoleStoreContract.run($0.state) }
    }

    @Test("webhook events: dedup and listing", arguments: Backend.reachable)
    func eventsDedup(_ backend: Backend) async throws {
        try await backend.with { try await EventStoreContract.dedupAndListing($0.events) }
    }

    @Test("webhook events: 2,000 concurrent deliveries, 20 % redelivered", arguments: Backend.reachable)
    func eventsConcurrent(_ backend: Backend) async throws {
        try await backend.with { try await EventStoreContract.concurrentIngest($0.events) }
    }

    @Test("webhook events: processed once, retried, dead-lettered, replayed once", arguments: Backend.reachable)
    func eventsLifecycle(_ backend: Backend) async throws {
        try await backend.with { try await EventStoreContract.lifecycle($0.events) }
    }

    @Test(
        "webhook events: four processors claim disjoint events; a dead one's claim lapses", arguments: Backend.reachable
    )
    func eventsClaims(_ backend: Backend) async throws {
        try await backend.with { try await EventStoreContract.claims($0.events) }
    }

    @Test("webhook events: bodies purged first, rows after the dedup window", arguments: Backend.reachable)
    func eventsPurge(_ backend: Backend) async throws {
        try await backend.with { try await EventStoreContract.purge($0.events) }
    }
}
