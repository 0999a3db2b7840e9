import Synchronization

/// Hands out disjoint blocks of 100 ports for servers a test must name before they start (a sandbox's simulators):
/// all below Linux's ephemeral range (32768 and up), where the port-0 servers of tests running alongside land, and
/// never the same block twice in one run. The first block is random so two runs on one machine rarely meet.
public enum TestPorts {
    public static func block() -> Int {
        let index = next.add(1, ordering: .relaxed).oldValue
        return 20_000 + (index % 120) * 100
    }

    private static let next = Atomic<Int>(Int.random(in: 0..<120))
}
