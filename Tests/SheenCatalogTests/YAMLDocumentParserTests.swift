import Foundation
import SheenModel
import Testing

@testable import SheenCatalog

@Suite("Hostile YAML")
struct YAMLDocumentParserTests {
    let subject = YAMLDocumentParser()

    @Test("a file over the size limit is refused before it is read")
    func oversize() throws {
        // Given a 2 MiB file of otherwise valid YAML
        let directory = try Fixtures.temporaryDirectory()
        let file = directory.appendingPathComponent("big.yaml")
        let line = "key_with_padding: \(String(repeating: "x", count: 100))\n"
        try String(repeating: line, count: (2 << 20) / line.utf8.count).write(
            to: file, atomically: true, encoding: .utf8)

        // When it is parsed
        let result = subject.parse(fileAt: file.path, displayPath: "big.yaml")

        // Then it fails with the size diagnostic at the top of the file
        guard case .failure(let list) = result else {
            Issue.record("oversize file accepted")
            return
        }
        #expect(list.diagnostics.map(\.code) == ["file-too-large"])
        #expect(list.diagnostics.first?.location == SourceLocation(file: "big.yaml", line: 1, column: 1))
    }

    @Test("a billion-laughs alias bomb is refused")
    func aliasBomb() throws {
        let url = Fixtures.goldens.appendingPathComponent("hostile-yaml/Providers/alias-bomb.yaml")
        guard case .failure(let list) = subject.parse(fileAt: url.path, displayPath: "bomb.yaml") else {
            Issue.record("alias bomb accepted")
            return
        }
        #expect(list.diagnostics.map(\.code) == ["alias-bomb"])
    }

    @Test("more aliases than the limit are refused before composing")
    func aliasCount() {
        let yaml = "base: &b 1\n" + (0..<150).map { "k\($0): *b" }.joined(separator: "\n")
        guard case .failure(let list) = subject.parse(data: Data(yaml.utf8), displayPath: "many.yaml") else {
            Issue.record("too many aliases accepted")
            return
        }
        #expect(list.diagnostics.first?.code == "alias-bomb")
        #expect(list.diagnostics.first?.location.line == 102, "points at the 101st alias")
    }

    @Test("asterisks inside text and comments are not aliases")
    func asterisksInText() {
        let yaml = "note: 'a * b'\nmore: \"*starred*\"\nplain: 5*3 # *comment\n"
        var limits = YAMLDocumentParser.Limits()
        limits.maxAliases = 0
        guard case .success = YAMLDocumentParser(limits: limits).parse(data: Data(yaml.utf8), displayPath: "t.yaml")
        else {
            Issue.record("plain asterisks were counted as aliases")
            return
        }
    }

    @Test("nesting beyond libyaml's own limit is an error, not a crash", arguments: [65, 2_000])
    func deepNesting(depth: Int) {
        let yaml = "key: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        guard case .failure(let list) = subject.parse(data: Data(yaml.utf8), displayPath: "deep.yaml") else {
            Issue.record("deep nesting accepted")
            return
        }
        #expect(list.diagnostics.map(\.code) == ["nesting-too-deep"])
    }

    @Test("invalid UTF-8, empty files and multiple documents each get their own diagnostic")
    func malformedFiles() {
        let cases: [(Data, String)] = [
            (Data([0x69, 0x64, 0x3A, 0x20, 0xFF, 0xFE]), "not-utf8"),
            (Data(), "empty-document"),
            (Data("a: 1\n---\nb: 2\n".utf8), "multiple-documents"),
        ]
        for (data, code) in cases {
            guard case .failure(let list) = subject.parse(data: data, displayPath: "f.yaml") else {
                Issue.record("\(code) accepted")
                continue
            }
            #expect(list.diagnostics.map(\.code) == [code])
        }
    }
}
