import Foundation
import Testing

@Suite("sheen apply, resume, state and destroy", .serialized)
struct ApplyCommandTests {
    static func workspace(chain length: Int) throws -> URL {
        let directory = try SheenBinary.temporaryDirectory()
        let nodes = (0..<length).map { index in
            "{\"id\":\"n\(index)\",\"deps\":[\(index == 0 ? "" : "\"n\(index - 1)\"")]}"
        }
        try "{\"nodes\":[\(nodes.joined(separator: ","))]}".write(
            to: directory.appendingPathComponent("dag.json"), atomically: true, encoding: .utf8)
        return directory
    }

    @Test("applies, then finds nothing to do, lists and shows state, and destroys in reverse order")
    func lifecycle() async throws {
        let directory = try Self.workspace(chain: 3)
        let first = try await SheenBinary.run(
            ["apply", "--dag", "dag.json", "--auto-approve"], in: directory, environment: ["CI": "1"])
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(first.stdout.contains("3 succeeded, 0 failed"))
        let again = try await SheenBinary.run(["apply", "--dag", "dag.json", "--auto-approve"], in: directory)
        #expect(again.stdout.contains("no changes: nothing to do"))
        let plan = try await SheenBinary.run(["plan", "--dag", "dag.json", "--detailed-exitcode"], in: directory)
        #expect(plan.status == 0, "plan diffs against the recorded state")
        #expect(plan.stdout.contains("3 steps: 3 noop"))
        let list = try await SheenBinary.run(["state", "list", "--dag", "dag.json"], in: directory)
        #expect(list.stdout.contains("n2    succeeded  1"))
        let show = try await SheenBinary.run(["state", "show", "n1", "--dag", "dag.json", "--json"], in: directory)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        #expect(
            (document["transitions"] as? [[String: Any]])?.compactMap { $0["status"] as? String } == [
                "in-flight", "succeeded",
            ])
        let destroy = try await SheenBinary.run(
            ["destroy", "--dag", "dag.json", "--auto-approve", "--json"], in: directory)
        let deletions = destroy.stdout.split(separator: "\n").compactMap { line -> String? in
            guard let event = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                event["event"] as? String == "step_succeeded"
            else { return nil }
            return event["step"] as? String
        }
        #expect(deletions == ["n2", "n1", "n0"])
        #expect(
            try await SheenBinary.run(["state", "list", "--dag", "dag.json"], in: directory).stdout.contains(
                "nothing recorded"))
    }

    @Test("a saved plan applies while the state is unchanged, and is refused once it has changed")
    func savedPlan() async throws {
        let directory = try Self.workspace(chain: 2)
        #expect(
            try await SheenBinary.run(["plan", "--dag", "dag.json", "--out", "plan.json"], in: directory).status == 0)
        let applied = try await SheenBinary.run(["apply", "--plan", "plan.json", "--auto-approve"], in: directory)
        #expect(applied.status == 0, "\(applied.stderr)")
        let stale = try await SheenBinary.run(["apply", "--plan", "plan.json", "--auto-approve"], in: directory)
        #expect(stale.status == 1)
        #expect(stale.stderr.contains("changed since this plan was made"))
    }

    @Test("Ctrl-C stops an apply with a consistent journal, and resume finishes it")
    func interrupt() async throws {
        let directory = try Self.workspace(chain: 40)
        let process = Process()
        process.executableURL = SheenBinary.url
        process.arguments = ["apply", "--dag", "dag.json", "--auto-approve", "--step-latency-ms", "30"]
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(["CI": "1"]) { _, new in new }
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        // Interrupt once steps are running, however slow the machine is to start.
        var text = SheenBinary.read(output, until: "[2/")
        kill(process.processIdentifier, SIGINT)
        text += String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 1)
        #expect(text.contains("interrupted: the journal is consistent; run 'sheen resume' to finish"))
        let resumed = try await SheenBinary.run(
            ["resume", "--dag", "dag.json"], in: directory, environment: ["CI": "1"])
        #expect(resumed.status == 0)
        let list = try await SheenBinary.run(["state", "list", "--dag", "dag.json", "--json"], in: directory)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any])
        let statuses = (document["steps"] as? [[String: Any]])?.compactMap { $0["status"] as? String } ?? []
        #expect(statuses.count == 40 && statuses.allSatisfy { $0 == "succeeded" })
    }

    @Test(
        "apply refuses to proceed without a terminal unless --auto-approve, and a provider that cannot be reached fails its step clearly"
    )
    func guards() async throws {
        let directory = try Self.workspace(chain: 1)
        let unattended = try await SheenBinary.run(["apply", "--dag", "dag.json"], in: directory)
        #expect(unattended.status == 2)
        #expect(unattended.stderr.contains("--auto-approve"))
        // A real Supabase connection on a machine without network: the step fails, naming the provider and host.
        let environment = [
            "CI": "1", "SHEEN_KEYRING": directory.appendingPathComponent("k/keyring.json").path,
            "SUPABASE_ACCESS_TOKEN": "sbp_0123456789abcdef0123456789abcdef01234567",
            "SUPABASE_DB_PASSWORD": "a-long-db-password",
        ]
        #expect(try await SheenBinary.run(["init", "saas-mena", "--market", "SA"], in: directory).status == 0)
        let connected = try await SheenBinary.run(
            [
                "connect", "supabase", "--env", "dev", "--field", "access_token=@env:SUPABASE_ACCESS_TOKEN", "--field",
                "organization_id=sheen-org", "--field", "db_password=@env:SUPABASE_DB_PASSWORD",
            ], in: directory, environment: environment)
        #expect(connected.status == 0, "\(connected.stderr)")
        let recipe = try await SheenBinary.run(
            ["apply", "--auto-approve", "--continue-on-error"], in: directory, environment: environment)
        #expect(recipe.status == 1)
        #expect(recipe.stdout.contains("supabase could not be reached at https://api.supabase.com"), "\(recipe.stdout)")
    }

    @Test(
        "after an apply stopped by a failed check, the next plan runs the skipped steps, as creates with their reason")
    func skippedStepsReplan() async throws {
        let directory = try SheenBinary.temporaryDirectory()
        #expect(try await SheenBinary.run(["init", "arabic-ecommerce", "--market", "SA"], in: directory).status == 0)
        let apply = try await SheenBinary.run(["apply", "--auto-approve"], in: directory, environment: ["CI": "1"])
        #expect(apply.status == 1, "the credential checks have no adapter yet: \(apply.stdout)")
        let plan = try await SheenBinary.run(["plan", "--json"], in: directory)
        #expect(plan.status == 0, "\(plan.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
        let steps = (document["nodes"] as? [[String: Any]] ?? []).filter { $0["role"] as? String == "step" }
        #expect(!steps.isEmpty)
        // Steps behind a failed check were skipped; steps that ran and failed say so instead; only the domain step
        // (no domain set: nothing to check) succeeded and is left alone.
        for step in steps where step["id"] as? String != "recipe.domain" {
            #expect(step["action"] as? String == "create", "\(step["id"] ?? "?") is work again")
            #expect(["skipped-previously", "failed-previously"].contains(step["action_reason"] as? String ?? ""))
        }
        #expect(steps.first { $0["id"] as? String == "recipe.domain" }?["action"] as? String == "noop")
        #expect(steps.count { $0["action_reason"] as? String == "skipped-previously" } > steps.count / 2)
    }

    @Test("state list and show work without a project file, over every recorded scope")
    func stateWithoutProject() async throws {
        let directory = try Self.workspace(chain: 2)
        try "{\"nodes\":[{\"id\":\"m0\",\"deps\":[]}]}".write(
            to: directory.appendingPathComponent("other.json"), atomically: true, encoding: .utf8)
        let empty = try await SheenBinary.run(["state", "list"], in: directory)
        #expect(empty.status == 0 && empty.stdout.contains("no state file"), "\(empty.stdout)\(empty.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent(".sheen").path))
        for dag in ["dag.json", "other.json"] {
            #expect(try await SheenBinary.run(["apply", "--dag", dag, "--auto-approve"], in: directory).status == 0)
        }
        let list = try await SheenBinary.run(["state", "list"], in: directory)
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("dag/dev") && list.stdout.contains("other/dev"))
        #expect(list.stdout.contains("n1") && list.stdout.contains("m0"))
        let json = try await SheenBinary.run(["state", "list", "--json"], in: directory)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(
            (document["scopes"] as? [[String: Any]])?.compactMap { $0["scope"] as? String } == ["dag/dev", "other/dev"])
        // A DAG applied to another environment is journaled and listed there.
        #expect(
            try await SheenBinary.run(
                ["apply", "--dag", "other.json", "--env", "prod", "--auto-approve"], in: directory
            )
            .status == 0)
        let prod = try await SheenBinary.run(["state", "list", "--dag", "other.json", "--env", "prod"], in: directory)
        #expect(prod.stdout.contains("m0"), "\(prod.stdout)")
        let narrowed = try await SheenBinary.run(["state", "list", "--dag", "other.json"], in: directory)
        #expect(narrowed.stdout.contains("m0") && !narrowed.stdout.contains("n1"))
        let show = try await SheenBinary.run(["state", "show", "n1"], in: directory)
        #expect(show.status == 0 && show.stdout.contains("status: succeeded"), "\(show.stderr)")
        let ambiguous = try await SheenBinary.run(["state", "show", "m0"], in: directory)
        #expect(ambiguous.status == 2 && ambiguous.stderr.contains("'other/dev', 'other/prod'"), "\(ambiguous.stderr)")
        let unknown = try await SheenBinary.run(["state", "show", "n9"], in: directory)
        #expect(unknown.status == 2 && unknown.stderr.contains("n0"), "suggests recorded steps: \(unknown.stderr)")
    }
}
