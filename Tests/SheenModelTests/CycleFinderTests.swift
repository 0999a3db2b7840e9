import SheenModel
import Testing

@Suite("Cycle finder")
struct CycleFinderTests {
    @Test("reports the closed path of a cycle")
    func findsCycle() {
        let edges = ["a": ["c"], "b": ["a"], "c": ["b"], "d": ["a"]]
        #expect(CycleFinder.firstCycle(in: edges) == ["a", "c", "b", "a"])
    }

    @Test("finds a self-loop")
    func selfLoop() {
        #expect(CycleFinder.firstCycle(in: ["a": ["a"]]) == ["a", "a"])
    }

    @Test("returns nil for a DAG, including a diamond")
    func acyclic() {
        #expect(CycleFinder.firstCycle(in: ["a": [], "b": ["a"], "c": ["a"], "d": ["b", "c"]]) == nil)
    }

    @Test("walks a 100,000-node chain without recursion")
    func longChain() {
        var edges: [String: [String]] = [:]
        for index in 0..<100_000 { edges["n\(index)"] = index == 0 ? [] : ["n\(index - 1)"] }
        #expect(CycleFinder.firstCycle(in: edges) == nil)
        edges["n0"] = ["n99999"]
        #expect(CycleFinder.firstCycle(in: edges)?.count == 100_001)
    }
}
