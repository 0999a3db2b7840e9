import SheenModel

/// The short names of checklist evidence in plans (`step`, `event charge.captured=CAPTURED`, `probe dns.resolves`,
/// `manual`), written and read back.
public enum EvidenceName {
    public static func format(_ evidence: Checklist.Evidence) -> String {
        switch evidence {
        case .stepResult: "step"
        case .event(let type, let status): "event \(type)" + (status.map { "=\($0)" } ?? "")
        case .probe(let probe): "probe \(probe.rawValue)"
        case .manualAttestation: "manual"
        }
    }

    public static func parse(_ name: String) -> Checklist.Evidence? {
        if name == "step" { return .stepResult }
        if name == "manual" { return .manualAttestation }
        if name.hasPrefix("probe ") { return Checklist.Probe(rawValue: String(name.dropFirst(6))).map { .probe($0) } }
        guard name.hasPrefix("event ") else { return nil }
        let body = name.dropFirst(6)
        guard let equals = body.firstIndex(of: "=") else { return .event(type: String(body), status: nil) }
        return .event(type: String(body[..<equals]), status: String(body[body.index(after: equals)...]))
    }
}
