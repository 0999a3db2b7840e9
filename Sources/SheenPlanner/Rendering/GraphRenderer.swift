import Foundation
import SheenModel

/// The plan graph as Graphviz DOT or a Mermaid flowchart; edges run from a dependency to what waits for it.
public enum GraphRenderer {
    public enum Format: String, Sendable, CaseIterable {
        case dot
        case mermaid
    }

    public static func render(_ plan: Plan, as format: Format) -> String {
        switch format {
        case .dot: dot(plan)
        case .mermaid: mermaid(plan)
        }
    }

    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func dot(_ plan: Plan) -> String {
        var lines = [
            "digraph \(quoted("\(plan.projectName)-\(plan.environment.rawValue)")) {", "  rankdir=LR;",
            "  node [shape=box, fontname=\"Helvetica\"];",
        ]
        var slots: [String: [Plan.Node]] = [:]
        var loose: [Plan.Node] = []
        for node in plan.nodes {
            if let slot = node.slot { slots[slot, default: []].append(node) } else { loose.append(node) }
        }
        func declare(_ node: Plan.Node, indent: String) -> String {
            let shape =
                switch node.role {
                case .step: ""
                case .preflight: ", shape=diamond"
                case .checklist: ", shape=note"
                }
            let action = node.action.map { "\\n\($0.rawValue)" } ?? ""
            return "\(indent)\(quoted(node.id)) [label=\(quoted(node.id + action))\(shape)];"
        }
        for slot in slots.keys.sorted() {
            lines.append("  subgraph \(quoted("cluster_\(slot)")) {")
            lines.append("    label=\(quoted(slot));")
            lines += (slots[slot] ?? []).map { declare($0, indent: "    ") }
            lines.append("  }")
        }
        lines += loose.map { declare($0, indent: "  ") }
        for node in plan.nodes {
            for dependency in node.dependsOn { lines.append("  \(quoted(dependency)) -> \(quoted(node.id));") }
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    static func mermaid(_ plan: Plan) -> String {
        // Mermaid ids may not contain dots; number the nodes and keep the real id as the label.
        var number: [String: String] = [:]
        for (index, node) in plan.nodes.enumerated() { number[node.id] = "n\(index)" }
        var lines = ["flowchart LR"]
        for node in plan.nodes {
            let label =
                node.id.replacingOccurrences(of: "\"", with: "'") + (node.action.map { " (\($0.rawValue))" } ?? "")
            let id = number[node.id] ?? node.id
            switch node.role {
            case .step: lines.append("  \(id)[\"\(label)\"]")
            case .preflight: lines.append("  \(id){\"\(label)\"}")
            case .checklist: lines.append("  \(id)[/\"\(label)\"/]")
            }
        }
        for node in plan.nodes {
            for dependency in node.dependsOn {
                lines.append("  \(number[dependency] ?? dependency) --> \(number[node.id] ?? node.id)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
