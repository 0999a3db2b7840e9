import Foundation
import Testing

/// CI has no `.sheen/`: connections declared in `sheen.yaml` with `@env:` references bind the plan and feed the
/// credential checks from the environment.
@Suite("Connections declared in sheen.yaml")
struct DeclaredConnectionTests {
    static func project(secret: String) async throws -> URL {
        let directory = try SheenBinary.temporaryDirectory()
        _ = try await SheenBinary.run(["init", "arabic-ecommerce", "--market", "SA"], in: directory)
        let file = directory.appendingPathComponent("sheen.yaml")
        var text = try String(contentsOf: file, encoding: .utf8)
        text += """

            connections:
              - provider: tap
                env: dev
                fields: { secret_key: "\(secret)", public_key: pk_test_123 }

            """
        try text.write(to: file, atomically: true, encoding: .utf8)
        return directory
    }

    @Test("a declared connection binds the plan and its check reads the variable; unset, the check names it")
    func fromEnvironment() async throws {
        let directory = try await Self.project(secret: "@env:CI_TAP_KEY")
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try await SheenBinary.run(["validate"], in: directory).status == 0)
        let plan = try await SheenBinary.run(["plan"], in: directory)
        #expect(plan.stdout.contains("✓ tap/default"))
        #expect(!plan.stdout.contains("sheen connect tap "))

        let passing = try await SheenBinary.run(
            ["apply", "--auto-approve"], in: directory, environment: ["CI_TAP_KEY": "sk_test_from_ci_123"])
        #expect(passing.stdout.contains("✓ preflight.tap.credentials"))
        #expect(!(passing.stdout + passing.stderr).contains("sk_test_from_ci_123"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent(".sheen/keys").path))

        let unset = try await SheenBinary.run(
            ["apply", "--auto-approve"], in: directory, environment: ["CI_TAP_KEY": ""])
        #expect(unset.stdout.contains("✗ preflight.tap.credentials"))
        #expect(unset.stdout.contains("$CI_TAP_KEY"))
    }

    @Test("a secret written as a literal in sheen.yaml is refused by validate, with the @env form to use")
    func literalSecret() async throws {
        let directory = try await Self.project(secret: "sk_test_committed_oops")
        defer { try? FileManager.default.removeItem(at: directory) }
        let validated = try await SheenBinary.run(["validate"], in: directory)
        #expect(validated.status == 1)
        #expect(validated.stdout.contains("secret_key") || validated.stderr.contains("secret_key"))
        let text = validated.stdout + validated.stderr
        #expect(text.contains("@env:TAP_SECRET_KEY"))
    }
}
