/// Which addresses a check may connect to when the host comes from a user (a domain, a webhook URL, a page to
/// probe): only the public internet. Blocked, as Svix's `is_allowed` and OWASP's SSRF guidance list them: every
/// private, loopback, link-local, shared (CGNAT), multicast, broadcast, documentation, benchmarking, reserved and
/// translation range of IPv4 and IPv6, judged on the canonical address (an IPv4-mapped IPv6 address as its IPv4).
/// The sandbox alone opts loopback in, for its local stand-ins.
public struct AddressPolicy: Sendable {
    public var allowsLoopback: Bool

    public init(allowsLoopback: Bool = false) {
        self.allowsLoopback = allowsLoopback
    }

    public static let publicOnly = AddressPolicy()
    public static let sandbox = AddressPolicy(allowsLoopback: true)

    /// Why an address is refused; `nil` when it may be reached.
    public func refusal(_ address: IPAddress) -> String? {
        let range = Self.special(address.canonical)
        if range == "loopback", allowsLoopback { return nil }
        return range
    }

    /// The special range `address` falls in, by name; `nil` for a public address.
    static func special(_ address: IPAddress) -> String? {
        switch address {
        case .v4(let value):
            return v4Ranges.first { value >> (32 - UInt32($0.bits)) == $0.prefix >> (32 - UInt32($0.bits)) }?.name
        case .v6(let bytes):
            return v6Ranges.first { range in Self.matches(bytes, range.prefix, bits: range.bits) }?.name
        }
    }

    static func matches(_ bytes: [UInt8], _ prefix: [UInt8], bits: Int) -> Bool {
        for bit in 0..<bits {
            let mask = UInt8(0x80) >> UInt8(bit % 8)
            if bytes[bit / 8] & mask != prefix[bit / 8] & mask { return false }
        }
        return true
    }

    static func v4(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32) -> UInt32 { a << 24 | b << 16 | c << 8 | d }

    static let v4Ranges: [(prefix: UInt32, bits: Int, name: String)] = [
        (v4(0, 0, 0, 0), 8, "this network (0.0.0.0/8)"),
        (v4(10, 0, 0, 0), 8, "private (10.0.0.0/8)"),
        (v4(100, 64, 0, 0), 10, "shared address space, CGNAT (100.64.0.0/10)"),
        (v4(127, 0, 0, 0), 8, "loopback"),
        (v4(169, 254, 0, 0), 16, "link-local (169.254.0.0/16, cloud metadata)"),
        (v4(172, 16, 0, 0), 12, "private (172.16.0.0/12)"),
        (v4(192, 0, 0, 0), 24, "IETF protocol assignments (192.0.0.0/24)"),
        (v4(192, 0, 2, 0), 24, "documentation (192.0.2.0/24)"),
        (v4(192, 88, 99, 0), 24, "6to4 relay anycast (192.88.99.0/24)"),
        (v4(192, 168, 0, 0), 16, "private (192.168.0.0/16)"),
        (v4(198, 18, 0, 0), 15, "benchmarking (198.18.0.0/15)"),
        (v4(198, 51, 100, 0), 24, "documentation (198.51.100.0/24)"),
        (v4(203, 0, 113, 0), 24, "documentation (203.0.113.0/24)"),
        (v4(224, 0, 0, 0), 4, "multicast (224.0.0.0/4)"),
        (v4(240, 0, 0, 0), 4, "reserved or broadcast (240.0.0.0/4)"),
    ]

    static func v6(_ groups: [UInt16]) -> [UInt8] {
        var bytes: [UInt8] = []
        for group in groups + [UInt16](repeating: 0, count: 8 - groups.count) {
            bytes += [UInt8(group >> 8), UInt8(group & 0xff)]
        }
        return bytes
    }

    static let v6Ranges: [(prefix: [UInt8], bits: Int, name: String)] = [
        (v6([0, 0, 0, 0, 0, 0, 0, 1]), 128, "loopback"),
        (v6([0, 0, 0, 0, 0, 0, 0, 0]), 128, "unspecified (::)"),
        // IPv4-compatible addresses (deprecated) carry an IPv4 address the stack may reach.
        (v6([0, 0, 0, 0, 0, 0]), 96, "IPv4-compatible (::/96)"),
        (v6([0x64, 0xff9b]), 96, "NAT64 (64:ff9b::/96)"),
        (v6([0x64, 0xff9b, 1]), 48, "NAT64 local use (64:ff9b:1::/48)"),
        (v6([0x100]), 64, "discard (100::/64)"),
        (v6([0x2001, 0]), 32, "Teredo (2001::/32)"),
        (v6([0x2001, 0xdb8]), 32, "documentation (2001:db8::/32)"),
        (v6([0x2002]), 16, "6to4 (2002::/16)"),
        (v6([0x3fff]), 20, "documentation (3fff::/20)"),
        (v6([0x5f00]), 16, "SRv6 (5f00::/16)"),
        (v6([0xfc00]), 7, "unique local (fc00::/7)"),
        (v6([0xfe80]), 10, "link-local (fe80::/10)"),
        (v6([0xfec0]), 10, "site-local, deprecated (fec0::/10)"),
        (v6([0xff00]), 8, "multicast (ff00::/8)"),
    ]
}
