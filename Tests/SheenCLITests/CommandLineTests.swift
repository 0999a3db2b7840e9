import Foundation
import Testing

@Suite("sheen command line")
struct CommandLineTests {
    @Test("validate passes on the shipped catalog")
    func validateCatalog() async throws {
        let output = try await SheenBinary.run(["validate"])
        #expect(output.status == 0)
        #expect(output.stdout.contains("0 errors, 0 warnings"))
    }

    @Test("validate reports every problem of a bad file with exit code 1, in English and Arabic")
    func validateBadFile() async throws {
        let file = SheenBinary.repository.appendingPathComponent(
            "Tests/SheenCatalogTests/Goldens/unknown-codes/Providers/codes.yaml")
        let english = try await SheenBinary.run(["validate", file.path])
        #expect(english.status == 1)
        #expect(english.stdout.contains("codes.yaml:6:11: error: unknown market 'KSA'"))
        #expect(english.stdout.contains("did you mean 'SA'?"))
        #expect(english.stdout.contains("4 errors"))
        let arabic = try await SheenBinary.run(["validate", file.path, "--lang", "ar"])
        #expect(arabic.status == 1)
        #expect(arabic.stdout.contains("خطأ: سوق غير معروف 'KSA'"))
        #expect(arabic.stdout.contains("هل تقصد 'SA'؟"))
    }

    @Test("validate --json gives a versioned report")
    func validateJSON() async throws {
        let file = SheenBinary.repository.appendingPathComponent("Tests/SheenCatalogTests/Goldens/dependency-cycle")
        let output = try await SheenBinary.run(["validate", file.path, "--json"])
        #expect(output.status == 1)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(report["format_version"] as? Int == 1)
        #expect(report["valid"] as? Bool == false)
        let diagnostics = try #require(report["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.compactMap { $0["code"] as? String } == ["dependency-cycle", "dependency-cycle"])
        #expect((diagnostics.first?["message"] as? String)?.contains("a → c → b → a") == true)
    }

    @Test("usage errors exit with 2 and say how to fix them")
    func usageErrors() async throws {
        let unknownFlag = try await SheenBinary.run(["validate", "--bogus"])
        #expect(unknownFlag.status == 2)
        let market = try await SheenBinary.run(["providers", "--market", "KSA"])
        #expect(market.status == 2)
        #expect(market.stderr.contains("did you mean 'SA'?"))
        let missing = try await SheenBinary.run(["validate", "no/such/file.yaml"])
        #expect(missing.status == 2)
        let provider = try await SheenBinary.run(["providers", "show", "tapp"])
        #expect(provider.status == 2)
        #expect(provider.stderr.contains("did you mean 'tap'?"))
    }

    @Test("providers filters by capability and market from the catalog data")
    func providersFilter() async throws {
        let output = try await SheenBinary.run([
            "providers", "--capability", "bnpl.authorize", "--market", "SA", "--json",
        ])
        #expect(output.status == 0)
        let list = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let ids = (list["providers"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
        #expect(ids == ["tabby", "tamara"])
        let kuwait = try await SheenBinary.run([
            "providers", "--capability", "checkout.create", "--market", "KW", "--currency", "KWD",
        ])
        #expect(kuwait.stdout.split(separator: "\n").dropFirst().map { String($0.prefix { $0 != " " }) } == ["tap"])
    }

    @Test("providers show and recipes show describe an entry in both languages")
    func showCommands() async throws {
        let tap = try await SheenBinary.run(["providers", "show", "tap"])
        #expect(tap.status == 0)
        #expect(tap.stdout.contains("knet (KW; KWD)"))
        let recipe = try await SheenBinary.run(["recipes", "show", "arabic-ecommerce", "--lang", "ar"])
        #expect(recipe.status == 0)
        #expect(recipe.stdout.contains("متجر إلكتروني عربي"))
        #expect(recipe.stdout.contains("tabby"))
    }

    @Test("init writes a sheen.yaml that validates, and refuses to overwrite it")
    func initProject() async throws {
        let directory = try SheenBinary.temporaryDirectory()
        let first = try await SheenBinary.run(
            ["init", "arabic-ecommerce", "--name", "souq", "--market", "SA", "--market", "KW"], in: directory)
        #expect(first.status == 0)
        let text = try String(contentsOf: directory.appendingPathComponent("sheen.yaml"), encoding: .utf8)
        #expect(text.contains("markets: [SA, KW]"))
        #expect(text.contains("currencies: [SAR, KWD]"))
        let check = try await SheenBinary.run(["validate", "sheen.yaml"], in: directory)
        #expect(check.status == 0, "\(check.stdout)")
        let again = try await SheenBinary.run(["init", "arabic-ecommerce"], in: directory)
        #expect(again.status == 2)
        #expect(again.stderr.contains("--force"))
    }

    @Test("finds the catalog from any directory when installed beside the binary or in its source tree")
    func catalogDiscovery() async throws {
        let directory = try SheenBinary.temporaryDirectory()
        let output = try await SheenBinary.run(["recipes"], in: directory, environment: ["SHEEN_CATALOG": ""])
        #expect(output.status == 0)
        #expect(output.stdout.contains("arabic-ecommerce"))
        let wrong = try await SheenBinary.run(["recipes", "--catalog", directory.path], in: directory)
        #expect(wrong.status == 2)
        #expect(wrong.stderr.contains("no Providers/ or Recipes/ folder"))
    }
}
