import Foundation
import SheenModel

/// A plan read back from `sheen plan --out`, enough to apply it: its graph, its scope and the state it was made
/// against.
public struct SavedPlan: Sendable {
    public var plan: Plan

    /// Reads a plan file; a problem is a ``PlanError`` naming the file and what is wrong.
    public static func load(contentsOf path: String) throws(PlanError) -> SavedPlan {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .planUnreadable(reason: "no readable plan file at '\(path)'")
        }
        guard let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw .planUnreadable(reason: "'\(path)' is not a plan written by 'sheen plan --out'")
        }
        guard let version = document["format_version"] as? String, version.hasPrefix("1.") else {
            throw .planUnreadable(
                reason: "'\(path)' has format_version \(document["format_version"] ?? "none"); this sheen reads 1.x")
        }
        guard let project = document["project"] as? String, let fingerprint = document["state_fingerprint"] as? String,
            let environment = (document["environment"] as? String).flatMap(DeploymentEnvironment.init(rawValue:)),
            let rawNodes = document["nodes"] as? [[String: Any]]
        else { throw .planUnreadable(reason: "'\(path)' lacks project, environment, state_fingerprint or nodes") }
        var nodes: [Plan.Node] = []
        for (index, raw) in rawNodes.enumerated() {
            guard let id = raw["id"] as? String, let role = (raw["role"] as? String).flatMap(Plan.Role.init(rawValue:)),
                let kind = raw["kind"] as? String, let hash = raw["input_hash"] as? String
            else { throw .planUnreadable(reason: "'\(path)': nodes[\(index)] is incomplete") }
            let outputs = (raw["outputs"] as? [[String: Any]] ?? []).compactMap { output -> StepTemplate.Output? in
                (output["name"] as? String).map {
                    StepTemplate.Output(name: $0, secret: output["secret"] as? Bool ?? false)
                }
            }
            nodes.append(
                Plan.Node(
                    id: id, role: role, kind: kind, slot: raw["slot"] as? String, provider: raw["provider"] as? String,
                    title: nil, dependsOn: raw["depends_on"] as? [String] ?? [], level: raw["level"] as? Int ?? 0,
                    action: (raw["action"] as? String).flatMap(StepAction.init(rawValue:)),
                    reason: (raw["action_reason"] as? String).flatMap(ActionReason.init(rawValue:)), inputHash: hash,
                    inputs: raw["inputs"] as? [String: String] ?? [:], outputs: outputs))
        }
        let markets = (document["markets"] as? [String] ?? []).compactMap(CountryCode.init(rawValue:))
        return SavedPlan(
            plan: Plan(
                projectName: project, recipe: nil, environment: environment, markets: markets, currencies: [],
                resolutions: [], nodes: nodes, criticalPath: document["critical_path"] as? [String] ?? [],
                checklist: [],
                costs: [], rateBudgets: [], stateFingerprint: fingerprint))
    }
}
