import Foundation
import SheenAuth
import SheenCatalog
import SheenModel
import SheenSecrets
import SheenSimulator
import Testing

/// The issue's canary: a secret in every secret credential field of every manifest, carried through connect, plan,
/// apply, state, connections, env export, errors and logs, must appear in no output and no file under `.sheen/`, in
/// any spelling.
@Suite("Secret canary")
struct SecretCanaryTests {
    static let marker = "CanaryQ7x2Zk9W"

    /// A value that matches `pattern` (the manifest's dev pattern) and carries the marker when `secret`.
    static func value(for field: ProviderManifest.CredentialField, provider: String) throws -> String {
        let samples: [String: String] = [
            "^(AKIA|ASIA)[A-Z0-9]{16}$": "AKIAABCDEFGHIJKLMNOP", "^[0-9]+$": "123456789", "^(us|eu)$": "eu",
            "^[A-Z]{3}$": "RUH", "^[A-Z]{2}$": "SA", "^[A-Za-z0-9 -]{3,11}$": "SOUQ",
            "^https?://": "https://search.example.com", "^[a-z0-9_-]+$": "souq-media",
            #"^https://[a-z0-9]+\.api\.infobip\.com$"#: "https://x4z9.api.infobip.com",
            "^https://[0-9a-f]+@": "https://0f1e2d3c@o1.ingest.sentry.io/42",
            "^AC[0-9a-f]{32}$": "AC" + String(repeating: "0a", count: 16),
        ]
        guard let pattern = field.patterns[.dev] else {
            return field.secret ? "secret-\(marker)-\(provider)-\(field.name)" : "plain-\(field.name)"
        }
        if let sample = samples[pattern] {
            #expect(!field.secret, "\(provider).\(field.name): a secret field needs a canary, not a sample")
            return sample
        }
        if pattern.contains("auth0") { return "souq.eu.auth0.com" }
        // A literal prefix, taking the first alternative of a leading group: '^(sk|rk)_test_' gives 'sk_test_'.
        var body = pattern.hasPrefix("^") ? String(pattern.dropFirst()) : pattern
        var prefix = ""
        if body.hasPrefix("("), let close = body.firstIndex(of: ")") {
            prefix = String(body[body.index(after: body.startIndex)..<close].split(separator: "|").first ?? "")
            body = String(body[body.index(after: close)...])
        }
        prefix += body.prefix { !"[](){}.*+?$|\\^".contains($0) }
        let value = prefix + (field.secret ? "\(marker)\(provider.count)" : "plain")
        #expect(
            value.range(of: pattern, options: .regularExpression) != nil,
            "\(provider).\(field.name): no canary matches \(pattern); add a sample")
        return value
    }

    @Test("a canary in every secret field never appears in output or in any file under .sheen/")
    func canary() async throws {
        // Tap's adapter really calls out, to a simulator here, so the canary travels in HTTP headers too.
        let tap = try await LoopbackServer.start(try TapSimulator().router())
        defer { tap.stop() }
        let directory = try SheenBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = ["SHEEN_KEYRING": directory.appendingPathComponent("keys/keyring.json").path]
        var outputs: [String] = []
        func sheen(_ arguments: [String], _ extra: [String: String] = [:]) async throws -> SheenBinary.Output {
            let output = try await SheenBinary.run(
                arguments, in: directory, environment: environment.merging(extra) { _, new in new })
            outputs.append(output.stdout + output.stderr)
            return output
        }
        #expect(try await sheen(["init", "arabic-ecommerce", "--market", "SA"]).status == 0)

        let catalog = CatalogLoader(displayBase: SheenBinary.repository.path).load(
            catalogAt: SheenBinary.repository.path
        ).catalog
        var canaries: [String] = []
        for provider in catalog.sortedProviders {
            var arguments = ["connect", provider.id, "--env", "dev"]
            if provider.id == "tap" { arguments += ["--sandbox", "--base-url", "http://127.0.0.1:\(tap.port)"] }
            var variables: [String: String] = [:]
            for field in provider.auth.credentials {
                let value = try Self.value(for: field, provider: provider.id)
                if field.secret {
                    let variable = Connection.environmentVariable(provider: provider.id, field: field.name)
                    variables[variable] = value
                    canaries.append(value)
                    arguments += ["--field", "\(field.name)=@env:\(variable)"]
                } else {
                    arguments += ["--field", "\(field.name)=\(value)"]
                }
            }
            let connected = try await sheen(arguments, variables)
            #expect(connected.status == 0, "\(provider.id): \(connected.stderr)")
            // Errors on the way: the same connection again, and a rotation to a value the pattern refuses.
            _ = try await sheen(arguments, variables)
        }
        #expect(canaries.count >= 25)
        _ = try await sheen(
            ["connections", "rotate", "tap", "--env", "dev", "--field", "secret_key=@env:BAD"],
            ["BAD": "live_\(Self.marker)"])
        _ = try await sheen([
            "connect", "stripe", "--env", "prod", "--alias", "x", "--field", "secret_key=sk_live_\(Self.marker)",
        ])

        for command in [
            ["plan"], ["plan", "--json"], ["plan", "--out", "plan.json"], ["apply", "--auto-approve"],
            ["apply", "--plan", "plan.json", "--auto-approve"], ["state", "list"], ["state", "list", "--json"],
            ["state", "show", "preflight.tap.credentials"], ["state", "show", "tap.verify-key", "--json"],
            ["connections", "list"], ["connections", "list", "--json"], ["connections", "show", "tap"],
            ["connections", "show", "aws", "--json"], ["env", "export"], ["env", "export", "--format", "json"],
            ["env", "export", "--format", "shell"], ["env", "example"], ["keys", "status"], ["keys", "rotate"],
            ["plan", "--lang", "ar"],
        ] {
            _ = try await sheen(command)
        }
        // The credential checks decrypted the real connections and passed for every provider the plan uses.
        let applied = try await sheen(["apply", "--auto-approve"]).stdout
        #expect(applied.contains("✓ preflight.tap.credentials"))
        #expect(!applied.contains("✗ preflight."), "a credential check failed: \(applied)")
        // The search is not vacuous: asked for, the secrets do come out, and would have been caught.
        let revealed = try await SheenBinary.run(
            ["env", "export", "--include-secrets"], in: directory, environment: environment)
        #expect(revealed.stdout.contains(Self.marker))

        var spellings: Set<String> = []
        for canary in canaries { spellings.formUnion(Redactor.forms(of: canary)) }
        spellings.formUnion(Redactor.forms(of: Self.marker))
        let printed = outputs.joined(separator: "\n")
        for spelling in spellings.sorted() {
            #expect(!printed.contains(spelling), "printed: \(spelling.prefix(6))…")
        }
        var files: [URL] = []
        let enumerator = FileManager.default.enumerator(
            at: directory.appendingPathComponent(".sheen"), includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL { files.append(url) }
        files += [directory.appendingPathComponent("plan.json"), directory.appendingPathComponent(".env.example")]
        #expect(files.contains { $0.lastPathComponent == "state.sqlite" })
        for file in files {
            guard let data = try? Data(contentsOf: file) else { continue }
            for spelling in spellings {
                #expect(data.range(of: Data(spelling.utf8)) == nil, "\(file.lastPathComponent) holds a spelling")
            }
        }
    }
}
