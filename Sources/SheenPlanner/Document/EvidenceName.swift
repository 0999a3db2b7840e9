import Foundation
import SheenModel

private typealias EventMatch = Checklist.EventMatch

/// The short names of checklist evidence in plans (`step`, `event charge.captured=CAPTURED`,
/// `event TEMPLATE_STATUS_UPDATE=APPROVED per whatsapp template`, `probe dns.resolves`, `manual`), written and read
/// back.
public enum EvidenceName {
    public static func format(_ evidence: Checklist.Evidence) -> String {
        switch evidence {
        case .stepResult: "step"
        case .event(let match):
            "event \(match.type)" + (match.statuses.isEmpty ? "" : "=" + match.statuses.joined(separator: "|"))
                + (match.perTemplate.map { " per \($0.rawValue) template" } ?? "")
        case .probe(let probe): "probe \(probe.rawValue)"
        case .manualAttestation: "manual"
        }
    }

    public static func parse(_ name: String) -> Checklist.Evidence? {
        if name == "step" { return .stepResult }
        if name == "manual" { return .manualAttestation }
        if name.hasPrefix("probe ") { return Checklist.Probe(rawValue: String(name.dropFirst(6))).map { .probe($0) } }
        guard name.hasPrefix("event ") else { return nil }
        var body = Substring(name.dropFirst(6))
        var per: Recipe.MessageTemplate.Channel?
        if let range = body.range(of: " per "), body.hasSuffix(" template") {
            per = Recipe.MessageTemplate.Channel(rawValue: String(body[range.upperBound...].dropLast(9)))
            body = body[..<range.lowerBound]
        }
        guard let equals = body.firstIndex(of: "=") else {
            return .event(EventMatch(type: String(body), perTemplate: per))
        }
        let statuses = body[body.index(after: equals)...].split(separator: "|").map(String.init)
        return .event(EventMatch(type: String(body[..<equals]), statuses: statuses, perTemplate: per))
    }
}
