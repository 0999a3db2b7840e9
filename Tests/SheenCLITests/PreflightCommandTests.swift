import Foundation
import SheenChecks
import Testing

/// `sheen preflight` through the binary against servers on this machine only: a DNS server answering for the
/// project's domain, and HTTPS servers presenting a good, an expired and a wrong-host certificate from a CA the run
/// is told to trust (`--ca-file`), reachable only because `--sandbox` opts loopback in.
@Suite("sheen preflight end to end: local DNS and TLS servers")
struct PreflightCommandTests {
    static let domain = "souq.test"

    /// A project for `domain`, and the sandbox CA's root as a PEM file.
    static func project(_ authority: SandboxCertificateAuthority) async throws -> URL {
        let directory = try SheenBinary.temporaryDirectory()
        let initialised = try await SheenBinary.run(["init", "arabic-ecommerce", "--market", "SA"], in: directory)
        #expect(initialised.status == 0, "\(initialised.stderr)")
        let file = directory.appendingPathComponent("sheen.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        try (text + "\ndomain: \(domain)\n").write(to: file, atomically: true, encoding: .utf8)
        try Data(authority.rootPEM.utf8).write(to: directory.appendingPathComponent("ca.pem"))
        return directory
    }

    static func preflight(
        _ directory: URL, dns: LocalDNSServer, site: SandboxSite, format: String = "json"
    )
        async throws -> SheenBinary.Output
    {
        try await SheenBinary.run(
            [
                "preflight", "--only", "tls.certificate", "--format", format, "--sandbox", "--dns-server",
                "127.0.0.1:\(dns.port)", "--https-port", "\(site.port)", "--ca-file", "ca.pem",
            ], in: directory, environment: ["SHEEN_KEYRING": directory.appendingPathComponent("k.json").path])
    }

    static func check(_ output: SheenBinary.Output) throws -> [String: Any] {
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any], "\(output.stderr)")
        return try #require((document["checks"] as? [[String: Any]])?.first)
    }

    @Test("a good certificate passes (exit 0); an expired and a wrong-host one fail (exit 1), each saying why")
    func certificates() async throws {
        let authority = try SandboxCertificateAuthority()
        let directory = try await Self.project(authority)
        defer { try? FileManager.default.removeItem(at: directory) }
        let dns = try await LocalDNSServer.start([.init(Self.domain, .a, "127.0.0.1")])
        let now = Date()
        let good = try await SandboxSite.start(domain: Self.domain, authority: authority)
        let expired = try await SandboxSite.start(
            domain: Self.domain, authority: authority,
            validity: now.addingTimeInterval(-100 * 86_400)...now.addingTimeInterval(-10 * 86_400))
        let wrongHost = try await SandboxSite.start(
            domain: Self.domain, authority: authority, certificateHosts: ["other.test"])

        let passed = try await Self.preflight(directory, dns: dns, site: good)
        #expect(passed.status == 0, "\(passed.stdout)\(passed.stderr)")
        #expect(try Self.check(passed)["status"] as? String == "pass")

        let old = try await Self.preflight(directory, dns: dns, site: expired)
        #expect(old.status == 1)
        let oldCheck = try Self.check(old)
        #expect(oldCheck["status"] as? String == "fail")
        #expect(((oldCheck["message"] as? [String: String])?["en"] ?? "").contains("expired on"))

        let wrong = try await Self.preflight(directory, dns: dns, site: wrongHost)
        #expect(wrong.status == 1)
        #expect(
            ((try Self.check(wrong)["message"] as? [String: String])?["en"] ?? "").contains(
                "does not cover souq.test (it names other.test)"))

        let annotated = try await Self.preflight(directory, dns: dns, site: expired, format: "github")
        let commands = annotated.stdout.split(separator: "\n").filter { $0.hasPrefix("::") }
        #expect(commands.count == 1 && commands[0].hasPrefix("::error "), "\(annotated.stdout)")

        // Without --sandbox the same servers are loopback, which a real run never reaches.
        let real = try await SheenBinary.run(
            [
                "preflight", "--only", "tls.certificate", "--format", "json", "--dns-server", "127.0.0.1:\(dns.port)",
                "--https-port", "\(good.port)", "--ca-file", "ca.pem",
            ], in: directory, environment: ["SHEEN_KEYRING": directory.appendingPathComponent("k.json").path])
        #expect(real.status == 1)
        #expect(((try Self.check(real)["message"] as? [String: String])?["en"] ?? "").contains("loopback"))
        await good.stop()
        await expired.stop()
        await wrongHost.stop()
        await dns.stop()
    }

    @Test("exit codes: unknowns pass unless --strict; a bad check id is a usage error (2); no project is 3")
    func exitCodes() async throws {
        let directory = try await Self.project(try SandboxCertificateAuthority())
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = ["SHEEN_KEYRING": directory.appendingPathComponent("k.json").path]
        let lenient = try await SheenBinary.run(
            ["preflight", "--only", "coverage.markets"], in: directory, environment: environment)
        #expect(lenient.status == 0, "\(lenient.stdout)\(lenient.stderr)")
        #expect(lenient.stdout.contains("? coverage.markets payments"))
        let strict = try await SheenBinary.run(
            ["preflight", "--only", "coverage.markets", "--strict"], in: directory, environment: environment)
        #expect(strict.status == 1)
        let typo = try await SheenBinary.run(
            ["preflight", "--only", "tls.certificat"], in: directory, environment: environment)
        #expect(typo.status == 2 && typo.stderr.contains("did you mean 'tls.certificate'"), "\(typo.stderr)")
        let missing = try await SheenBinary.run(
            ["preflight", "--project", "nope.yaml"], in: directory, environment: environment)
        #expect(missing.status == 3, "\(missing.stderr)")
    }

    @Test("webhook.reachable: the receiver accepts a test delivery signed with a stored secret; stopped, it fails")
    func webhookReachable() async throws {
        let directory = try SheenBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = ["SHEEN_KEYRING": directory.appendingPathComponent("k.json").path]
        #expect(
            try await SheenBinary.run(["init", "arabic-ecommerce", "--market", "SA"], in: directory).status == 0)
        let base = SheenBinary.portBlock()
        let receiver = base + 90
        let file = directory.appendingPathComponent("sheen.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        try (text + "\nwebhooks: { public_url: \"http://127.0.0.1:\(receiver)\" }\n").write(
            to: file, atomically: true, encoding: .utf8)
        let up = try await SheenBinary.run(
            ["up", "--sandbox", "--port-base", "\(base)"], in: directory, environment: environment)
        #expect(up.status == 0, "\(up.stderr)")
        // Conditions `up` stored are cleared, so a row seen later was written by the receiver's re-judgement.
        #expect(try Self.sql(directory, "delete from checklist_conditions") == "")
        let serve = Process()
        serve.executableURL = SheenBinary.url
        serve.arguments = ["serve", "--port", "\(receiver)"]
        serve.currentDirectoryURL = directory
        serve.environment = ProcessInfo.processInfo.environment.merging(
            environment.merging(["SHEEN_CATALOG": SheenBinary.repository.path]) { _, new in new }
        ) { _, new in new }
        let out = Pipe()
        serve.standardOutput = out
        serve.standardError = FileHandle.nullDevice
        try serve.run()
        _ = SheenBinary.read(out, until: "\(receiver)")
        let reached = try await SheenBinary.run(
            ["preflight", "--only", "webhook.reachable", "--sandbox", "--format", "json"], in: directory,
            environment: environment)
        // The test delivery is an event: `sheen serve` re-judges the checklist on it.
        var judged = ""
        for _ in 0..<50 where judged.isEmpty || judged == "0" {
            judged = try Self.sql(directory, "select count(*) from checklist_conditions")
            if judged == "0" { try await Task.sleep(for: .milliseconds(100)) }
        }
        serve.terminate()
        serve.waitUntilExit()
        #expect(judged == "7", "conditions after the event: \(judged)")
        #expect(reached.status == 0, "\(reached.stdout)\(reached.stderr)")
        let check = try Self.check(reached)
        #expect(((check["message"] as? [String: String])?["en"] ?? "").contains("accepted a test delivery signed"))
        let stopped = try await SheenBinary.run(
            ["preflight", "--only", "webhook.reachable", "--sandbox", "--format", "json"], in: directory,
            environment: environment)
        #expect(stopped.status == 1)
        #expect(try Self.check(stopped)["status"] as? String == "fail")
    }

    /// Runs one SQL statement on the project's state file (python3's sqlite3), returning the first column of the
    /// first row, or "" for statements without rows.
    static func sql(_ directory: URL, _ statement: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c",
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); r=c.execute(sys.argv[2]).fetchone(); c.commit(); print('' if r is None else r[0])",
            directory.appendingPathComponent(".sheen/state.sqlite").path, statement,
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
