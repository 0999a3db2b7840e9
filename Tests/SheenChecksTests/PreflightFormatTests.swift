import Foundation
import SheenModel
import Testing

@testable import SheenChecks

/// The formats CI reads, on a report with every status: JUnit XML that xmllint validates against the Ant JUnit schema,
/// GitHub workflow commands one per check that did not pass, and the verdict with and without `--strict`.
@Suite("Preflight report formats")
struct PreflightFormatTests {
    static func text(_ en: String) -> LocalizedText { LocalizedText(en: en, ar: "ع: " + en) }

    static let report = PreflightReport(
        project: "souq <&> \"shop\"", environment: .prod,
        results: [
            PreflightResult(
                id: "connections.present", subject: "tap", title: text("Connection present"), status: .pass,
                message: text("tap is connected"), seconds: 0.001),
            PreflightResult(
                id: "tls.certificate", subject: "souq.test", title: text("TLS"), status: .fail,
                message: text("souq.test's certificate expired on 2026-11-01: renew it"),
                fix: text("renew, then redeploy"), file: "sheen.yaml", line: 7, seconds: 0.2),
            PreflightResult(
                id: "coverage.markets", subject: "payments", title: text("Coverage"), status: .unknown,
                message: text("no API confirms it, 100% sure: not"), seconds: 0.0),
            PreflightResult(
                id: "tls.certificate", subject: "www.souq.test", title: text("TLS"), status: .warn,
                message: text("expires in 5 days,\nrenew"), seconds: 0.1),
        ], startedAt: Date(timeIntervalSince1970: 1_800_000_000), seconds: 0.31)

    static let schema: String = {
        Bundle.module.url(forResource: "junit-ant", withExtension: "xsd", subdirectory: "Vectors")?.path ?? ""
    }()

    /// xmllint's verdict on `xml` against the schema: its exit status and what it said.
    static func xmllint(_ xml: String) throws -> (Int32, String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("junit-\(UUID()).xml")
        try Data(xml.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["xmllint", "--noout", "--schema", schema, file.path]
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = pipe
        try process.run()
        let said = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, said)
    }

    @Test("JUnit output validates against the Ant JUnit schema, in both languages and with --strict")
    func junitValidates() throws {
        for language in Language.allCases {
            for strict in [false, true] {
                let xml = PreflightFormat.junit.render(
                    Self.report, strict: strict, language: language, hostname: "ci-runner")
                let (status, said) = try Self.xmllint(xml)
                #expect(status == 0, "\(language) strict=\(strict): \(said)\n\(xml)")
            }
        }
        let xml = PreflightFormat.junit.render(Self.report, strict: false, language: .en)
        #expect(xml.contains("tests=\"4\" failures=\"1\" errors=\"0\" skipped=\"1\""))
        #expect(xml.contains("timestamp=\"2027-01-15T08:00:00\""))
        #expect(
            xml.contains(
                "<failure message=\"souq.test&apos;s certificate expired on 2026-11-01: renew it\" type=\"fail\">"))
        #expect(xml.contains("value=\"souq &lt;&amp;&gt; &quot;shop&quot;\""))
        let strict = PreflightFormat.junit.render(Self.report, strict: true, language: .en)
        #expect(strict.contains("failures=\"3\"") && strict.contains("skipped=\"0\""))
    }

    @Test("the schema check can fail: a report missing its properties is refused")
    func schemaRefusesBrokenReports() throws {
        let xml = PreflightFormat.junit.render(Self.report, strict: false, language: .en)
        let broken = xml.replacingOccurrences(of: "  <properties>", with: "  <nothing/><properties>")
        #expect(try Self.xmllint(broken).0 != 0)
        let zoned = xml.replacingOccurrences(of: "2027-01-15T08:00:00", with: "2027-01-15T08:00:00Z")
        #expect(try Self.xmllint(zoned).0 != 0)
    }

    @Test("GitHub format: one ::error or ::warning per check that did not pass, with file and line, escaped")
    func github() {
        let lines = PreflightFormat.github.render(Self.report, strict: false, language: .en).split(separator: "\n")
        let commands = lines.filter { $0.hasPrefix("::") }
        #expect(commands.count == 3)
        #expect(
            commands[0]
                == "::error file=sheen.yaml,line=7,title=sheen preflight%3A tls.certificate souq.test::souq.test's certificate expired on 2026-11-01: renew it%0Arenew, then redeploy"
        )
        #expect(commands[1].hasPrefix("::warning title=sheen preflight%3A coverage.markets payments::"))
        #expect(commands[1].contains("100%25 sure"))
        #expect(commands[2].hasSuffix("::expires in 5 days,%0Arenew"))
        let strict = PreflightFormat.github.render(Self.report, strict: true, language: .en)
        #expect(strict.split(separator: "\n").filter { $0.hasPrefix("::error") }.count == 3)
    }

    @Test("ready: failures block; warnings and unknowns block only with --strict")
    func verdict() {
        #expect(!Self.report.ready(strict: false))
        var soft = Self.report
        soft.results.removeAll { $0.status == .fail }
        #expect(soft.ready(strict: false) && !soft.ready(strict: true))
        let json = PreflightFormat.json.render(soft, strict: false, language: .en)
        #expect(json.contains("\"ready\" : true") && json.contains("\"unknown\" : 1"))
        let text = PreflightFormat.text.render(soft, strict: false, language: .ar)
        #expect(text.contains("جاهز للنشر"))
    }
}
