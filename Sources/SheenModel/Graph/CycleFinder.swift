/// Finds a dependency cycle in a directed graph given as adjacency lists, deterministically.
public enum CycleFinder {
    /// The first cycle found, as a closed path (`a → b → c → a`), visiting nodes and edges in sorted order so the
    /// same graph always reports the same cycle; `nil` when the graph is acyclic. Edges to unknown nodes are ignored.
    ///
    /// Iterative (an explicit stack), so a 100,000-node chain cannot overflow the thread's stack.
    public static func firstCycle(in edges: [String: [String]]) -> [String]? {
        enum Mark { case visiting, done }
        var marks: [String: Mark] = [:]
        for start in edges.keys.sorted() where marks[start] == nil {
            var stack: [(node: String, next: [String].Iterator)] = [
                (start, (edges[start] ?? []).sorted().makeIterator())
            ]
            marks[start] = .visiting
            while !stack.isEmpty {
                if let target = stack[stack.count - 1].next.next() {
                    guard edges[target] != nil else { continue }
                    switch marks[target] {
                    case .visiting:
                        let path = stack.map(\.node)
                        let from = path.firstIndex(of: target) ?? 0
                        return Array(path[from...]) + [target]
                    case .done:
                        continue
                    case nil:
                        marks[target] = .visiting
                        stack.append((target, (edges[target] ?? []).sorted().makeIterator()))
                    }
                } else {
                    marks[stack.removeLast().node] = .done
                }
            }
        }
        return nil
    }
}
