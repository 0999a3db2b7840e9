import Foundation
import SheenCatalog
import SheenModel
import Testing

/// Each folder under `Goldens/` is a small catalog (or project) with mistakes in it; the rendered diagnostics, in
/// English and Arabic, must match `expected.en.txt` and `expected.ar.txt` byte for byte.
///
/// Set `SHEEN_RECORD_GOLDENS=1` to rewrite the expected files after an intended wording change, then review the diff.
@Suite("Golden diagnostics")
struct GoldenDiagnosticsTests {
    static let cases = [
        "malformed-yaml", "unknown-keys", "wrong-types", "duplicate-ids", "unknown-codes", "payment-method-currency",
        "whatsapp-template", "unknown-dependency", "dependency-cycle", "missing-checklist-item", "hostile-yaml",
        "project-file", "project-pins", "url-templates",
    ]

    @Test("diagnostics match the golden files", arguments: cases)
    func matchesGolden(name: String) throws {
        // Given a case folder loaded over the shipped catalog
        let folder = Fixtures.goldens.appendingPathComponent(name)
        let loader = CatalogLoader(displayBase: Fixtures.goldens.path)

        // When it is validated
        let result = loader.load(paths: [folder.path], over: Fixtures.shippedCatalog)

        // Then every problem is reported, located, in both languages
        #expect(result.diagnostics.hasErrors, "a golden case must contain at least one error")
        for language in Language.allCases {
            let rendered = result.diagnostics.map { $0.rendered(in: language) }.joined(separator: "\n") + "\n"
            let expectedFile = folder.appendingPathComponent("expected.\(language.rawValue).txt")
            if ProcessInfo.processInfo.environment["SHEEN_RECORD_GOLDENS"] == "1" {
                try rendered.write(to: expectedFile, atomically: true, encoding: .utf8)
            }
            let expected = try String(contentsOf: expectedFile, encoding: .utf8)
            #expect(
                rendered == expected, "\(name) (\(language.rawValue)) differs from \(expectedFile.lastPathComponent)")
        }
    }

    @Test("every diagnostic code the issue names is covered by some golden case")
    func coverage() throws {
        var codes: Set<String> = []
        for name in Self.cases {
            let folder = Fixtures.goldens.appendingPathComponent(name)
            let result = CatalogLoader(displayBase: Fixtures.goldens.path).load(
                paths: [folder.path], over: Fixtures.shippedCatalog)
            codes.formUnion(result.diagnostics.map(\.code))
        }
        let required: Set<String> = [
            "yaml-syntax", "unknown-key", "wrong-type", "duplicate-id", "duplicate-key", "unknown-capability",
            "unknown-market", "unknown-currency", "payment-method-currency", "payment-method-scheme-currency",
            "whatsapp-template-name", "whatsapp-template-length", "whatsapp-template-language", "unknown-dependency",
            "dependency-cycle", "unknown-checklist-item", "alias-bomb", "nesting-too-deep", "unknown-url-field",
            "missing-key",
        ]
        #expect(required.subtracting(codes).isEmpty, "not covered: \(required.subtracting(codes).sorted())")
    }
}
