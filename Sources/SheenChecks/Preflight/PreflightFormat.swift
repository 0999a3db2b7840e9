import Foundation
import SheenModel

/// The formats CI reads: text for people, JSON for programs, JUnit XML for test reporters (held to the Apache Ant
/// JUnit schema: one `testsuite` with `properties`, a `testcase` per check, `system-out` and `system-err`), and GitHub
/// Actions workflow commands (one `::error` or `::warning` line per check that did not pass, with the file and line
/// where one applies).
public enum PreflightFormat: String, Sendable, CaseIterable {
    case text, json, junit, github

    public func render(
        _ report: PreflightReport, strict: Bool, language: Language, hostname: String = "localhost"
    )
        -> String
    {
        switch self {
        case .text: Self.text(report, strict: strict, language: language)
        case .json: Self.json(report, strict: strict)
        case .junit: Self.junit(report, strict: strict, language: language, hostname: hostname)
        case .github: Self.github(report, strict: strict, language: language)
        }
    }

    static func mark(_ status: PreflightResult.Status) -> String {
        switch status {
        case .pass: "✓"
        case .warn: "!"
        case .fail: "✗"
        case .unknown: "?"
        }
    }

    static func name(_ result: PreflightResult) -> String {
        result.subject.map { "\(result.id) \($0)" } ?? result.id
    }

    static func text(_ report: PreflightReport, strict: Bool, language: Language) -> String {
        let order: [PreflightResult.Status] = [.fail, .warn, .unknown, .pass]
        var lines: [String] = []
        for status in order {
            for result in report.results where result.status == status {
                lines.append("\(mark(status)) \(name(result)): \(result.message(language))")
                if status != .pass, let fix = result.fix { lines.append("    → \(fix(language))") }
            }
        }
        let counts = LocalizedText(
            en: "\(report.count(.pass)) passed, \(report.count(.fail)) failed, \(report.count(.warn)) warnings, "
                + "\(report.count(.unknown)) unknown",
            ar: "نجح \(report.count(.pass))، فشل \(report.count(.fail))، تحذيرات \(report.count(.warn))، "
                + "غير معروف \(report.count(.unknown))")
        let verdict =
            report.ready(strict: strict)
            ? LocalizedText(en: "ready to deploy", ar: "جاهز للنشر")
            : LocalizedText(en: "not ready to deploy", ar: "غير جاهز للنشر")
        lines.append("")
        lines.append("\(verdict(language)): \(counts(language))")
        return lines.joined(separator: "\n")
    }

    // swift-format-ignore: AlwaysUseLowerCamelCase
    struct JSONReport: Encodable {
        var project: String
        var environment: String
        var ready: Bool
        var strict: Bool
        var counts: [String: Int]
        var checks: [PreflightResult]
        var seconds: Double
    }

    static func json(_ report: PreflightReport, strict: Bool) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let value = JSONReport(
            project: report.project, environment: report.environment.rawValue, ready: report.ready(strict: strict),
            strict: strict,
            counts: Dictionary(
                uniqueKeysWithValues: PreflightResult.Status.allCases.map { ($0.rawValue, report.count($0)) }),
            checks: report.results, seconds: report.seconds)
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    static func junit(_ report: PreflightReport, strict: Bool, language: Language, hostname: String) -> String {
        let failures = report.results.count { PreflightReport.blocks($0.status, strict: strict) }
        let skipped = report.results.count { $0.status == .unknown && !strict }
        let timestamp: String = {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
            return formatter.string(from: report.startedAt)
        }()
        var xml = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>"]
        xml.append(
            "<testsuite name=\"sheen.preflight\" timestamp=\"\(timestamp)\" hostname=\"\(escape(hostname))\" "
                + "tests=\"\(report.results.count)\" failures=\"\(failures)\" errors=\"0\" skipped=\"\(skipped)\" "
                + "time=\(quoted(report.seconds))>")
        xml.append("  <properties>")
        xml.append("    <property name=\"project\" value=\"\(escape(report.project))\"/>")
        xml.append("    <property name=\"environment\" value=\"\(report.environment.rawValue)\"/>")
        xml.append("    <property name=\"strict\" value=\"\(strict)\"/>")
        xml.append("  </properties>")
        for result in report.results {
            let open =
                "  <testcase name=\"\(escape(name(result)))\" classname=\"sheen.preflight.\(escape(result.id))\" "
                + "time=\(quoted(result.seconds))"
            let detail = ([result.message(language)] + (result.fix.map { [$0(language)] } ?? [])).joined(
                separator: "\n")
            if PreflightReport.blocks(result.status, strict: strict) {
                xml.append(open + ">")
                xml.append(
                    "    <failure message=\"\(escape(result.message(language)))\" type=\"\(result.status.rawValue)\">"
                        + escape(detail) + "</failure>")
                xml.append("  </testcase>")
            } else if result.status == .unknown {
                xml.append(open + ">")
                xml.append("    <skipped message=\"\(escape(result.message(language)))\"/>")
                xml.append("  </testcase>")
            } else {
                xml.append(open + "/>")
            }
        }
        xml.append("  <system-out>\(escape(text(report, strict: strict, language: language)))</system-out>")
        xml.append("  <system-err></system-err>")
        xml.append("</testsuite>")
        return xml.joined(separator: "\n")
    }

    /// One workflow command per check that did not pass; `::error` for what blocks, `::warning` for the rest.
    static func github(_ report: PreflightReport, strict: Bool, language: Language) -> String {
        var lines: [String] = []
        for result in report.results where result.status != .pass {
            let level = PreflightReport.blocks(result.status, strict: strict) ? "error" : "warning"
            var properties: [String] = []
            if let file = result.file {
                properties.append("file=\(property(file))")
                if let line = result.line { properties.append("line=\(line)") }
            }
            properties.append("title=\(property("sheen preflight: " + name(result)))")
            let message = ([result.message(language)] + (result.fix.map { [$0(language)] } ?? [])).joined(
                separator: "\n")
            lines.append("::\(level) \(properties.joined(separator: ","))::\(data(message))")
        }
        lines.append(
            "sheen preflight: \(report.count(.pass)) passed, \(report.count(.fail)) failed, "
                + "\(report.count(.warn)) warnings, \(report.count(.unknown)) unknown")
        return lines.joined(separator: "\n")
    }

    static func quoted(_ seconds: Double) -> String { "\"" + String(format: "%.3f", seconds) + "\"" }

    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            // XML 1.0 has no place for other control characters; a provider's message could carry one.
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 { out += "?" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// GitHub's escaping of a command's data (`%`, CR, LF) and of a property (also `:` and `,`).
    static func data(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    static func property(_ text: String) -> String {
        data(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
