import Foundation
import Testing

@Suite("sheen plan and sheen graph")
struct PlanCommandTests {
    @Test("plans a shipped recipe for given markets without a project file")
    func recipePlan() async throws {
        let output = try await SheenBinary.run([
            "plan", "--recipe", "arabic-ecommerce", "--market", "KW", "--market", "EG",
        ])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("Tap Payments for payments in KW because the recipe prefers it"))
        #expect(
            output.stdout.contains(
                "Paymob for payments in EG because the recipe's choice #2 (tap lacks vodafone-cash in EG)"))
        #expect(output.stdout.contains("Critical path"))
    }

    @Test("--detailed-exitcode exits 2 when there are changes")
    func detailedExitcode() async throws {
        let output = try await SheenBinary.run([
            "plan", "--recipe", "saas-mena", "--market", "SA", "--detailed-exitcode",
        ])
        #expect(output.status == 2)
        #expect(output.stdout.contains("steps:"))
    }

    @Test("an unsatisfiable plan exits 1 and explains the nearest candidates")
    func unsatisfiable() async throws {
        let directory = try SheenBinary.temporaryDirectory()
        try """
        name: souq
        recipe: arabic-ecommerce
        markets: [KW]
        residency: { countries: [KW], level: required }
        """.write(to: directory.appendingPathComponent("sheen.yaml"), atomically: true, encoding: .utf8)
        let output = try await SheenBinary.run(["plan"], in: directory)
        #expect(output.status == 1)
        #expect(output.stderr.contains("slot 'deploy' cannot be filled in KW: aws has no region in KW"))
        let arabic = try await SheenBinary.run(["plan", "--lang", "ar"], in: directory)
        #expect(arabic.stderr.contains("تعذر ملء الخانة 'deploy' في KW"))
    }

    @Test("without a project file, plan says how to get one")
    func noProject() async throws {
        let directory = try SheenBinary.temporaryDirectory()
        let output = try await SheenBinary.run(["plan"], in: directory)
        #expect(output.status == 2)
        #expect(output.stderr.contains("sheen init <recipe>"))
    }

    @Test("--out saves the JSON plan, which matches --json byte for byte")
    func savedPlan() async throws {
        let directory = try SheenBinary.temporaryDirectory()
        let arguments = ["plan", "--recipe", "global-saas", "--market", "AE", "--env", "prod"]
        let saved = try await SheenBinary.run(
            arguments + ["--out", directory.appendingPathComponent("plan.json").path])
        #expect(saved.status == 0)
        let json = try await SheenBinary.run(arguments + ["--json"])
        let file = try String(contentsOf: directory.appendingPathComponent("plan.json"), encoding: .utf8)
        #expect(file == json.stdout)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(file.utf8)) as? [String: Any])
        #expect(document["format_version"] as? String == "1.0")
    }

    @Test("plans a neutral DAG file, and reports a cycle in it with its path")
    func dag() async throws {
        let directory = try SheenBinary.temporaryDirectory()
        let good = directory.appendingPathComponent("dag.json")
        try #"{"nodes":[{"id":"n0","deps":[]},{"id":"n1","deps":["n0"]},{"id":"n2","deps":["n0","n1"]}]}"#
            .write(to: good, atomically: true, encoding: .utf8)
        let plan = try await SheenBinary.run(["plan", "--dag", good.path])
        #expect(plan.status == 0)
        #expect(plan.stdout.contains("3 steps: 3 create"))
        #expect(plan.stdout.contains("n0 → n1 → n2"))
        let cyclic = directory.appendingPathComponent("cycle.json")
        try #"{"nodes":[{"id":"a","deps":["b"]},{"id":"b","deps":["a"]}]}"#.write(
            to: cyclic, atomically: true, encoding: .utf8)
        let cycle = try await SheenBinary.run(["plan", "--dag", cyclic.path])
        #expect(cycle.status == 1)
        #expect(cycle.stderr.contains("dependency cycle: a → b → a"))
        let broken = directory.appendingPathComponent("broken.json")
        try #"{"nodes":[{"deps":[]}]}"#.write(to: broken, atomically: true, encoding: .utf8)
        let unreadable = try await SheenBinary.run(["plan", "--dag", broken.path])
        #expect(unreadable.status == 1)
        #expect(unreadable.stderr.contains("missing 'id' at .nodes[0]"))
    }

    @Test("graph prints DOT and Mermaid")
    func graph() async throws {
        let dot = try await SheenBinary.run(["graph", "--recipe", "saas-mena", "--market", "SA"])
        #expect(dot.status == 0)
        #expect(dot.stdout.hasPrefix("digraph"))
        #expect(dot.stdout.contains("\"tap.verify-key\" -> \"tap.test-charge\";"))
        let mermaid = try await SheenBinary.run([
            "graph", "--recipe", "saas-mena", "--market", "SA", "--format", "mermaid",
        ])
        #expect(mermaid.stdout.hasPrefix("flowchart LR"))
        let bad = try await SheenBinary.run(["graph", "--format", "svg"])
        #expect(bad.status == 2)
    }

    @Test("conflicting inputs are usage errors")
    func conflicts() async throws {
        #expect(try await SheenBinary.run(["plan", "--dag", "x.json", "--recipe", "saas-mena"]).status == 2)
        #expect(try await SheenBinary.run(["plan", "--market", "SA"]).status == 2)
        #expect(try await SheenBinary.run(["plan", "--recipe", "saas-mena", "--market", "KSA"]).status == 2)
    }
}
