import Foundation

/// The neutral DAG file shared with the Terraform benchmarks: `{"nodes":[{"id":"n0","deps":["…"]}]}`.
public struct NeutralDAG: Sendable, Decodable {
    public struct Node: Sendable, Decodable {
        public var id: String
        public var deps: [String]

        public init(id: String, deps: [String] = []) {
            self.id = id
            self.deps = deps
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decode(String.self, forKey: .id)
            deps = try container.decodeIfPresent([String].self, forKey: .deps) ?? []
        }

        enum CodingKeys: String, CodingKey { case id, deps }
    }

    public var name: String
    public var nodes: [Node]

    public init(name: String, nodes: [Node]) {
        self.name = name
        self.nodes = nodes
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        nodes = try container.decode([Node].self, forKey: .nodes)
        name = "dag"
    }

    enum CodingKeys: String, CodingKey { case nodes }

    /// Reads a DAG file; problems come back as a ``PlanError`` that names the place.
    public static func load(contentsOf path: String) throws(PlanError) -> NeutralDAG {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .dagUnreadable(reason: "no readable file at '\(path)'")
        }
        do {
            var dag = try JSONDecoder().decode(NeutralDAG.self, from: data)
            dag.name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            return dag
        } catch let DecodingError.keyNotFound(key, context) {
            throw .dagUnreadable(reason: "missing '\(key.stringValue)' at \(Self.path(context.codingPath))")
        } catch let DecodingError.typeMismatch(_, context) {
            throw .dagUnreadable(reason: "wrong type at \(Self.path(context.codingPath)): \(context.debugDescription)")
        } catch {
            throw .dagUnreadable(reason: "not valid JSON (\(error.localizedDescription))")
        }
    }

    private static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }
}
