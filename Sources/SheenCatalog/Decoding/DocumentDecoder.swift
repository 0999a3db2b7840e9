import SheenModel
internal import Yams

/// Collects the diagnostics of one file while its node tree is read into model values.
final class DocumentDecoder {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String) {
        self.file = file
    }

    func location(of node: Node) -> SourceLocation {
        SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    func report(_ problem: CatalogProblem, at node: Node, severity: Diagnostic.Severity = .error) {
        diagnostics.append(problem.diagnostic(at: location(of: node), severity: severity))
    }

    func report(_ problem: CatalogProblem, at location: SourceLocation, severity: Diagnostic.Severity = .error) {
        diagnostics.append(problem.diagnostic(at: location, severity: severity))
    }

    /// A reader for `node` as a mapping, or `nil` (reported) when it is something else.
    func mapping(_ node: Node, path: String) -> MappingReader? {
        guard case .mapping(let mapping) = node else {
            report(.wrongType(path: path, expected: "a mapping", found: Self.kind(of: node)), at: node)
            return nil
        }
        return MappingReader(decoder: self, node: node, mapping: mapping, path: path)
    }

    /// The items of `node` as a list, or `nil` (reported) when it is something else.
    func list(_ node: Node, path: String) -> [Node]? {
        guard case .sequence(let sequence) = node else {
            report(.wrongType(path: path, expected: "a list", found: Self.kind(of: node)), at: node)
            return nil
        }
        return Array(sequence)
    }

    /// A scalar as text, or `nil` (reported) for null, lists and mappings.
    func string(_ node: Node, path: String) -> String? {
        guard case .scalar(let scalar) = node, !(scalar.style == .plain && Self.tagName(of: node) == .null) else {
            report(.wrongType(path: path, expected: "a string", found: Self.kind(of: node)), at: node)
            return nil
        }
        return scalar.string
    }

    /// A strictly-`true`/`false` boolean; YAML 1.1's `yes`/`no`/`on`/`off` are refused with a hint, since they are a
    /// classic source of surprises (the "Norway problem").
    func bool(_ node: Node, path: String) -> Bool? {
        guard case .scalar(let scalar) = node, scalar.style == .plain else {
            report(.wrongType(path: path, expected: "true or false", found: Self.kind(of: node)), at: node)
            return nil
        }
        switch scalar.string {
        case "true": return true
        case "false": return false
        case let other where ["yes", "no", "on", "off", "True", "False", "TRUE", "FALSE", "Yes", "No"].contains(other):
            report(.yamlBoolean(path: path, value: other), at: node)
        default:
            report(.wrongType(path: path, expected: "true or false", found: Self.kind(of: node)), at: node)
        }
        return nil
    }

    func int(_ node: Node, path: String, range: ClosedRange<Int>? = nil) -> Int? {
        guard case .scalar(let scalar) = node, scalar.style == .plain, let value = Int(scalar.string) else {
            report(.wrongType(path: path, expected: "an integer", found: Self.kind(of: node)), at: node)
            return nil
        }
        if let range, !range.contains(value) {
            report(
                .outOfRange(path: path, value: String(value), range: "\(range.lowerBound)…\(range.upperBound)"),
                at: node)
            return nil
        }
        return value
    }

    func double(_ node: Node, path: String, range: ClosedRange<Double>? = nil) -> Double? {
        guard case .scalar(let scalar) = node, scalar.style == .plain, let value = Double(scalar.string),
            value.isFinite
        else {
            report(.wrongType(path: path, expected: "a number", found: Self.kind(of: node)), at: node)
            return nil
        }
        if let range, !range.contains(value) {
            report(
                .outOfRange(path: path, value: scalar.string, range: "\(range.lowerBound)…\(range.upperBound)"),
                at: node)
            return nil
        }
        return value
    }

    static func tagName(of node: Node) -> Tag.Name { Tag.Name(rawValue: node.tag.rawValue) }

    /// How a node looks to a user, for "must be X, found Y".
    static func kind(of node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            guard scalar.style == .plain else { return "a string" }
            switch tagName(of: node) {
            case .null: return "null"
            case .bool: return "a boolean"
            case .int: return "an integer"
            case .float: return "a number"
            default: return "a string"
            }
        }
    }
}
