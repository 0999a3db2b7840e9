import Foundation
import SheenDatabase
import SheenEngine
import SheenModel
import SheenStore
import SheenTestSupport
import Testing

/// The commands on a shared PostgreSQL (`--store` / `SHEEN_STORE`) as on the file, and what a bad store says.
@Suite("sheen with --store postgres://…", .enabled(if: TestPostgres.available, "scripts/test starts PostgreSQL"))
struct PostgresStoreCommandTests {
    @Test("up --sandbox reaches all-green with state in PostgreSQL; the rerun writes nothing; state and plan read it")
    func upOnPostgres() async throws {
        let url = try await TestPostgres.freshDatabase(prefix: "cli")
        let directory = try SheenBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let ports = UpCommandTests.ports()
        let store = ["--store", TestPostgres.text(url)]
        let row = UpCommandTests.rows[0]
        let first = try await UpCommandTests.up(row, in: directory, ports: ports, extra: store)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(!first.items.isEmpty && first.items.allSatisfy { $0["status"] as? String == "True" })
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent(".sheen/state.sqlite").path))
        let opened = try await PostgresStore.open(url)
        let scope = StoreScope(project: "arabic-ecommerce", environment: .dev)
        let written = try await opened.journalLength(of: scope)
        #expect(written > 0)
        let again = try await UpCommandTests.up(row, in: directory, ports: ports, extra: store)
        #expect(again.status == 0)
        #expect(try await opened.journalLength(of: scope) == written, "the rerun journaled nothing new")
        // SHEEN_STORE does what --store does.
        let environment = ["SHEEN_STORE": TestPostgres.text(url)]
        let listed = try await SheenBinary.run(
            ["state", "list", "--recipe", "arabic-ecommerce", "--market", "SA"], in: directory,
            environment: environment)
        #expect(listed.stdout.contains("succeeded") && listed.stdout.contains("tap."), "\(listed.stdout)")
        let conditions = try await opened.conditions(in: scope)
        #expect(!conditions.isEmpty && conditions.allSatisfy(\.isGreen), "the checklist's conditions are stored there")
        await opened.close()
    }

    @Test("a malformed store is a usage error (2); one that cannot be reached is named without its password (1)")
    func badStores() async throws {
        let notPostgres = try await SheenBinary.run(["state", "list", "--store", "mysql://u:p@h/db"])
        #expect(notPostgres.status == 2 && notPostgres.stderr.contains("postgres://user:password@host"))
        let mode = try await SheenBinary.run([
            "plan", "--recipe", "global-saas", "--store", "postgres://u@h/db?sslmode=maybe",
        ])
        #expect(mode.status == 2 && mode.stderr.contains("sslmode=maybe"))
        let refused = try await SheenBinary.run(
            ["state", "list", "--store", "postgres://sheen:hunter2-secret@127.0.0.1:1/nowhere"])
        #expect(refused.status == 1 && refused.stderr.contains("127.0.0.1:1/nowhere"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("hunter2"), "the password never appears")
        let worker = try await SheenBinary.run(["worker", "--store", "state.sqlite"])
        #expect(worker.status == 2 && worker.stderr.contains("postgres://"), "a worker needs a shared store")
        let follow = try await SheenBinary.run(["apply", "--follow"])
        #expect(follow.status == 2 && follow.stderr.contains("--enqueue"))
        let file = try await SheenBinary.run(["apply", "--enqueue", "--store", "/tmp/x.sqlite"])
        #expect(file.status == 2 && file.stderr.contains("--store postgres://"), "\(file.stderr)")
    }
}
