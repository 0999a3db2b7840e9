import Foundation
import SheenSimulator
import Testing

@Suite("sheen sandbox serve, connect and ledger")
struct SandboxCommandTests {
    /// Starts `sheen sandbox serve` with `arguments` in `directory` and returns it, with what it printed up to
    /// `marker`. The caller terminates it.
    static func serve(_ arguments: [String], in directory: URL, until marker: String) async throws -> (Process, String)
    {
        let process = Process()
        process.executableURL = SheenBinary.url
        process.arguments = ["sandbox", "serve"] + arguments
        process.currentDirectoryURL = directory
        let output = Pipe()
        process.standardOutput = output
        // A file, not a pipe nobody drains: what serve says when it cannot start explains a failed test.
        let log = directory.appendingPathComponent("serve.stderr")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        let printed = await Task.detached { SheenBinary.read(output, until: marker) }.value
        if !printed.contains(marker) {
            process.waitUntilExit()
            let said = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            Issue.record("sandbox serve stopped before printing \(marker.debugDescription): \(said)")
        }
        return (process, printed)
    }

    @Test(
        "serve prints each simulator's base URL and credentials; connect points the project at them; ledger reads them")
    func serveConnectLedger() async throws {
        let directory = try SheenBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = ["SHEEN_KEYRING": directory.appendingPathComponent("k/keyring.json").path]
        _ = try await SheenBinary.run(["init", "global-saas", "--market", "AE"], in: directory)
        let file = directory.appendingPathComponent("sheen.yaml")
        try (try String(contentsOf: file, encoding: .utf8) + "\nwebhooks: { public_url: https://hooks.example.ae }\n")
            .write(to: file, atomically: true, encoding: .utf8)
        let base = SheenBinary.portBlock()
        let (process, printed) = try await Self.serve(
            ["--port-base", "\(base)", "--json"], in: directory, until: "\n}")
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        let served = try #require(
            try JSONSerialization.jsonObject(with: Data(printed.utf8)) as? [String: [String: Any]])
        #expect(Set(served.keys) == Set(Sandbox.providers.map(\.id)) && served.keys.contains("paymob"))
        #expect(served["stripe"]?["base_url"] as? String == "http://127.0.0.1:\(base)")
        #expect((served["tap"]?["credentials"] as? [String: String])?["secret_key"]?.hasPrefix("sk_test_") == true)

        let connected = try await SheenBinary.run(
            ["sandbox", "connect", "--port-base", "\(base)"], in: directory, environment: environment)
        #expect(connected.status == 0, "\(connected.stderr)")
        #expect(connected.stdout.contains("stripe/default (sandbox) → http://127.0.0.1:\(base)"))
        // Infobip's dashboard setting, made on its simulator: reviews will reach the project's receiver.
        #expect(connected.stdout.contains("set infobip/default's notification URL"), "\(connected.stdout)")
        let infobip = try String(
            contentsOf: directory.appendingPathComponent(".sheen/sandbox/infobip.json"), encoding: .utf8)
        #expect(infobip.contains("https:\\/\\/hooks.example.ae\\/v1\\/webhooks\\/infobip\\/default?token="))
        let again = try await SheenBinary.run(
            ["sandbox", "connect", "--port-base", "\(base)"], in: directory, environment: environment)
        #expect(again.stdout.contains("kept stripe/default"))
        let shown = try await SheenBinary.run(
            ["connections", "show", "tabby", "--json"], in: directory, environment: environment)
        let tabby = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        #expect(tabby["sandbox"] as? Bool == true && tabby["base_url"] as? String == "http://127.0.0.1:\(base + 2)")

        // The Stripe key check runs against the simulator, which records nothing for a read.
        let applied = try await SheenBinary.run(
            ["apply", "--auto-approve", "--continue-on-error"], in: directory, environment: environment)
        #expect(applied.stdout.contains("✓ stripe.verify-key"), "\(applied.stdout)")
        // The run re-judged the checklist and says how far it got.
        #expect(applied.stdout.contains("checklist: ") && applied.stdout.contains("items green"), "\(applied.stdout)")
        let ledger = try await SheenBinary.run(["sandbox", "ledger", "--json"], in: directory)
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(ledger.stdout.utf8)) as? [String: [Any]])
        #expect(Set(entries.keys) == Set(Sandbox.providers.map(\.id)))
        let unknown = try await SheenBinary.run(["sandbox", "ledger", "--provider", "paypal"], in: directory)
        #expect(unknown.status != 0 && unknown.stderr.contains("no simulator for 'paypal'"))
    }

    @Test(
        "against the sandbox, apply registers Stripe's endpoint and pays; destroy deletes the endpoint and leaves the payment"
    )
    func applyThenDestroy() async throws {
        let directory = try SheenBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = ["SHEEN_KEYRING": directory.appendingPathComponent("k/keyring.json").path]
        _ = try await SheenBinary.run(["init", "global-saas", "--market", "AE"], in: directory)
        let file = directory.appendingPathComponent("sheen.yaml")
        try (try String(contentsOf: file, encoding: .utf8) + "\nwebhooks: { public_url: http://127.0.0.1:9 }\n")
            .write(to: file, atomically: true, encoding: .utf8)
        let base = SheenBinary.portBlock()
        let (process, _) = try await Self.serve(
            ["--provider", "stripe", "--port-base", "\(base)"], in: directory, until: "Ctrl-C")
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        let connected = try await SheenBinary.run(
            ["sandbox", "connect", "--provider", "stripe", "--port-base", "\(base)"], in: directory,
            environment: environment)
        #expect(connected.status == 0, "\(connected.stderr)")
        let applied = try await SheenBinary.run(
            ["apply", "--auto-approve", "--continue-on-error"], in: directory, environment: environment)
        for kind in ["stripe.verify-key", "stripe.webhook-endpoint", "stripe.test-payment"] {
            #expect(applied.stdout.contains("✓ \(kind)"), "\(kind): \(applied.stdout)")
        }
        let destroyed = try await SheenBinary.run(
            ["destroy", "--auto-approve"], in: directory, environment: environment)
        #expect(destroyed.stdout.contains("stripe.webhook-endpoint"), "\(destroyed.stdout)\(destroyed.stderr)")
        let ledger = try await SheenBinary.run(["sandbox", "ledger", "--provider", "stripe", "--json"], in: directory)
        let kinds =
            (try JSONSerialization.jsonObject(with: Data(ledger.stdout.utf8)) as? [String: [[String: Any]]])?[
                "stripe"]?.compactMap { $0["kind"] as? String } ?? []
        #expect(kinds.filter { $0 == "webhook_endpoint.created" }.count == 1)
        #expect(kinds.filter { $0 == "webhook_endpoint.deleted" }.count == 1)
        #expect(kinds.filter { $0 == "payment_intent.succeeded" }.count == 1)
    }
}
