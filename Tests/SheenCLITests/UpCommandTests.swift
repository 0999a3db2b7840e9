import Foundation
import SheenSimulator
import Testing

/// `sheen up <recipe> --sandbox` as a new user runs it: the built binary, a fresh directory, nothing configured. Each
/// launch must reach all-green on its evidence; the rerun must change nothing (no journal transition, no simulator
/// side effect); a template Meta rejects must leave exactly its item red, with Meta's reason and the fix.
@Suite("sheen up --sandbox, end to end through the binary", .serialized)
struct UpCommandTests {
    struct Row: Sendable, CustomTestStringConvertible {
        var recipe: String
        var markets: [String]
        var testDescription: String { "\(recipe) \(markets.joined(separator: ","))" }
    }

    static let rows = [
        Row(recipe: "arabic-ecommerce", markets: ["SA"]), Row(recipe: "service-business-mena", markets: ["AE"]),
        Row(recipe: "global-saas", markets: []),
    ]

    /// One block of a hundred ports per launch: 23 simulators and the receiver.
    static func ports() -> (base: Int, receiver: Int) {
        let base = SheenBinary.portBlock()
        return (base, base + 90)
    }

    struct Launch {
        var status: Int32
        var document: [String: Any]
        var stderr: String

        var items: [[String: Any]] {
            (document["checklist"] as? [String: Any])?["items"] as? [[String: Any]] ?? []
        }
    }

    static func up(
        _ row: Row, in directory: URL, ports: (base: Int, receiver: Int), extra: [String] = []
    )
        async throws -> Launch
    {
        let arguments =
            [
                "up", row.recipe, "--sandbox", "--json", "--port-base", "\(ports.base)", "--receiver-port",
                "\(ports.receiver)",
            ] + row.markets.flatMap { ["--market", $0] } + extra
        let output = try await SheenBinary.run(
            arguments, in: directory, environment: ["SHEEN_KEYRING": directory.appendingPathComponent("k.json").path])
        // JSON Lines of the apply's events come first; the summary is the last, pretty-printed object.
        let start =
            output.stdout.range(of: "\n{\n", options: .backwards).map { output.stdout.index(after: $0.lowerBound) }
            ?? output.stdout.startIndex
        let document =
            (try? JSONSerialization.jsonObject(with: Data(output.stdout[start...].utf8))) as? [String: Any] ?? [:]
        return Launch(status: output.status, document: document, stderr: output.stderr)
    }

    static func transitions(in directory: URL) throws -> Int {
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        sqlite.arguments = [
            "python3", "-c",
            "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from transitions').fetchone()[0])",
            directory.appendingPathComponent(".sheen/state.sqlite").path,
        ]
        let pipe = Pipe()
        sqlite.standardOutput = pipe
        try sqlite.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        sqlite.waitUntilExit()
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    static func ledgers(in directory: URL) throws -> Int {
        let folder = directory.appendingPathComponent(".sheen/sandbox").path
        return try Sandbox.providers.map { try Sandbox.ledger(of: $0.id, in: folder).count }.reduce(0, +)
    }

    @Test("a fresh directory reaches all-green; the rerun changes nothing", arguments: rows.indices)
    func allGreenThenNoOp(index: Int) async throws {
        let row = Self.rows[index]
        let directory = try SheenBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let ports = Self.ports()
        let first = try await Self.up(row, in: directory, ports: ports)
        #expect(first.status == 0, "\(row): \(first.stderr)")
        #expect(first.document["ready"] as? Bool == true)
        #expect(!first.items.isEmpty)
        for item in first.items {
            #expect(item["status"] as? String == "True", "\(row): \(item["item"] ?? "") \(item["message"] ?? "")")
            #expect(!(item["evidence"] as? [String] ?? []).isEmpty)
        }
        #expect((first.document["succeeded"] as? [String] ?? []).count > 5)
        let transitions = try Self.transitions(in: directory)
        let sideEffects = try Self.ledgers(in: directory)
        #expect(transitions > 0 && sideEffects > 0)

        let again = try await Self.up(row, in: directory, ports: ports)
        #expect(again.status == 0, "\(row): \(again.stderr)")
        #expect(again.document["succeeded"] as? [String] == [])
        #expect(again.document["calls"] as? Int == 0)
        #expect(try Self.transitions(in: directory) == transitions, "\(row): the rerun journaled transitions")
        #expect(try Self.ledgers(in: directory) == sideEffects, "\(row): the rerun changed a simulator")
    }

    @Test("a template Meta rejects leaves exactly its item red, with Meta's reason and the fix")
    func rejectedTemplate() async throws {
        let directory = try SheenBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let faults = directory.appendingPathComponent("faults.json")
        try Data(#"{"rejections": {"shipping_update/ar": "INVALID_FORMAT"}}"#.utf8).write(to: faults)
        let launch = try await Self.up(
            Self.rows[0], in: directory, ports: Self.ports(), extra: ["--faults", faults.path, "--timeout", "20"])
        #expect(launch.status == 1, "\(launch.stderr)")
        #expect(launch.document["ready"] as? Bool == false)
        let red = launch.items.filter { $0["status"] as? String != "True" }
        #expect(red.map { $0["item"] as? String } == ["whatsapp-template-approved"])
        let item = try #require(red.first)
        #expect(item["status"] as? String == "False")
        let blockers = (item["blocked_by"] as? [[String: String]] ?? []).compactMap { $0["en"] }
        #expect(blockers.contains { $0.contains("shipping_update/ar") && $0.contains("INVALID_FORMAT") }, "\(blockers)")
        let next = (item["next"] as? [String: String])?["en"] ?? ""
        #expect(!next.isEmpty && !((item["next"] as? [String: String])?["ar"] ?? "").isEmpty)
    }
}
