/// A 64-bit FNV-1a digest for fingerprints that must be identical across runs, machines and Swift versions
/// (`Hasher` is seeded per process, so it cannot serve). Change detection only: not a security boundary.
public struct StableHasher: Sendable {
    private var state: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    /// Adds each part, each followed by a separator byte so `("ab", "c")` and `("a", "bc")` differ.
    public mutating func combine(_ parts: String...) {
        for part in parts {
            for byte in part.utf8 { mix(byte) }
            mix(0x1F)
        }
    }

    private mutating func mix(_ byte: UInt8) {
        state ^= UInt64(byte)
        state &*= 0x0000_0100_0000_01B3
    }

    public var hexDigest: String {
        let hex = String(state, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
