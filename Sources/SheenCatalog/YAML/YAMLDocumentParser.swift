import Foundation
import SheenModel
internal import Yams

/// Turns the bytes of one YAML file into a Yams node tree (internal: Yams stays out of the public API), or into diagnostics, without ever crashing or hanging on
/// hostile input.
///
/// Catalog and project files come from users, so the parser guards the three classic attacks before the tree is
/// walked: oversize files (checked before reading), alias bombs (aliases counted in the raw text before composing,
/// and every node the tree expands to counted afterwards against a budget), and deep nesting (a limit checked on the
/// tree; libyaml also stops at 1,000 levels on its own, which keeps the composer's recursion bounded).
public struct YAMLDocumentParser: Sendable {
    public struct Limits: Sendable {
        public var maxBytes: Int
        public var maxAliases: Int
        public var maxNodes: Int
        public var maxDepth: Int

        public init(maxBytes: Int = 1 << 20, maxAliases: Int = 100, maxNodes: Int = 100_000, maxDepth: Int = 64) {
            self.maxBytes = maxBytes
            self.maxAliases = maxAliases
            self.maxNodes = maxNodes
            self.maxDepth = maxDepth
        }
    }

    public var limits: Limits

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Parses the file at `path`, reporting problems against `displayPath`.
    func parse(fileAt path: String, displayPath: String) -> Result<Node, DiagnosticList> {
        let start = SourceLocation(file: displayPath, line: 1, column: 1)
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let size = (attributes?[.size] as? NSNumber)?.intValue, size > limits.maxBytes {
            return .failure([CatalogProblem.fileTooLarge(bytes: size, limit: limits.maxBytes).diagnostic(at: start)])
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure([CatalogProblem.unreadableFile.diagnostic(at: start)])
        }
        return parse(data: data, displayPath: displayPath)
    }

    /// Parses `data` as one YAML document.
    func parse(data: Data, displayPath: String) -> Result<Node, DiagnosticList> {
        let start = SourceLocation(file: displayPath, line: 1, column: 1)
        guard data.count <= limits.maxBytes else {
            return .failure([
                CatalogProblem.fileTooLarge(bytes: data.count, limit: limits.maxBytes).diagnostic(at: start)
            ])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure([CatalogProblem.notUTF8.diagnostic(at: start)])
        }
        let aliases = Self.countAliasTokens(in: text, limit: limits.maxAliases)
        if aliases.count > limits.maxAliases {
            let location = SourceLocation(file: displayPath, line: aliases.firstExcessLine, column: 1)
            return .failure([CatalogProblem.tooManyAliases(limit: limits.maxAliases).diagnostic(at: location)])
        }
        let root: Node?
        do {
            root = try Parser(yaml: text, resolver: .default, constructor: .default, encoding: .utf8).singleRoot()
        } catch let error as YamlError {
            return .failure([Self.diagnostic(for: error, file: displayPath, depthLimit: limits.maxDepth)])
        } catch {
            return .failure([CatalogProblem.yamlSyntax(problem: "\(error)").diagnostic(at: start)])
        }
        guard let root else {
            return .failure([CatalogProblem.emptyDocument.diagnostic(at: start)])
        }
        var budget = Budget(nodesLeft: limits.maxNodes, maxDepth: limits.maxDepth)
        if let problem = budget.check(root, depth: 1) {
            let mark = problem.node.mark
            let location = SourceLocation(file: displayPath, line: mark?.line ?? 1, column: mark?.column ?? 1)
            return .failure([problem.problem.diagnostic(at: location)])
        }
        return .success(root)
    }

    /// Counts `*alias` tokens outside comments and quoted scalars, and the line where the count first exceeds
    /// `limit`; an over-count (a `*` that starts a plain scalar) only makes the limit stricter.
    static func countAliasTokens(in text: String, limit: Int) -> (count: Int, firstExcessLine: Int) {
        var count = 0
        var line = 1
        var excessLine = 1
        var quote: Character?
        var previous: Character = "\n"
        var inComment = false
        for character in text {
            if character == "\n" {
                line += 1
                inComment = false
            } else if inComment {
                continue
            } else if let open = quote {
                if character == open && (open == "'" || previous != "\\") { quote = nil }
            } else if character == "#" && previous.isWhitespace {
                inComment = true
            } else if (character == "\"" || character == "'") && Self.nodeStart.contains(previous) {
                quote = character
            } else if character == "*" && Self.nodeStart.contains(previous) {
                count += 1
                if count == limit + 1 { excessLine = line }
            }
            previous = character
        }
        return (count, excessLine)
    }

    /// Characters after which a YAML node (and so an alias or a quoted scalar) can start.
    private static let nodeStart: Set<Character> = [" ", "\n", "\t", "[", "{", ",", ":", "-", "?"]

    private struct Budget {
        var nodesLeft: Int
        let maxDepth: Int

        mutating func check(_ node: Node, depth: Int) -> (problem: CatalogProblem, node: Node)? {
            nodesLeft -= 1
            if nodesLeft < 0 { return (.documentExpandsTooFar, node) }
            if depth > maxDepth { return (.nestingTooDeep(limit: maxDepth), node) }
            switch node {
            case .scalar, .alias:
                return nil
            case .sequence(let sequence):
                for child in sequence {
                    if let problem = check(child, depth: depth + 1) { return problem }
                }
            case .mapping(let mapping):
                for (key, value) in mapping {
                    if let problem = check(key, depth: depth + 1) { return problem }
                    if let problem = check(value, depth: depth + 1) { return problem }
                }
            }
            return nil
        }
    }

    private static func diagnostic(for error: YamlError, file: String, depthLimit: Int) -> Diagnostic {
        func at(_ mark: Mark?) -> SourceLocation {
            SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
        }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _):
            if problem.contains("Maximum nesting level") || context?.text.contains("Maximum nesting level") == true {
                // libyaml stopped at its own 1,000 levels; report the limit users are told about.
                return CatalogProblem.nestingTooDeep(limit: depthLimit).diagnostic(at: at(mark))
            }
            let text = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            return CatalogProblem.yamlSyntax(problem: text).diagnostic(at: at(mark))
        case .composer(let context, let problem, let mark, _):
            if problem.contains("another document") {
                return CatalogProblem.multipleDocuments.diagnostic(at: at(mark))
            }
            let text = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            return CatalogProblem.yamlSyntax(problem: text).diagnostic(at: at(mark))
        case .duplicatedKeysInMapping(let duplicates, let context):
            return CatalogProblem.duplicateKey(duplicates.joined(separator: "', '")).diagnostic(at: at(context.mark))
        case .reader(let problem, _, _, _):
            return CatalogProblem.yamlSyntax(problem: problem).diagnostic(at: at(nil))
        default:
            return CatalogProblem.yamlSyntax(problem: "\(error)").diagnostic(at: at(nil))
        }
    }
}

/// A list of diagnostics that can travel in a `Result`.
public struct DiagnosticList: Error, Sendable, ExpressibleByArrayLiteral {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    public init(arrayLiteral elements: Diagnostic...) { self.diagnostics = elements }
}
