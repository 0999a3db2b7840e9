#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address, read from every literal form a URL or a resolver may carry, so a guard judges the
/// address a connection would really reach: `127.1`, `2130706433`, `0x7f000001` and `0177.0.0.1` are all
/// 127.0.0.1, as `inet_aton` reads them; `[::ffff:7f00:1]` and `fe80::1%eth0` are IPv6 with brackets and scope
/// removed. An IPv4-mapped IPv6 address is judged as the IPv4 address it maps (``canonical``).
public enum IPAddress: Sendable, Hashable, CustomStringConvertible {
    case v4(UInt32)
    case v6([UInt8])

    /// `nil` when `literal` is not an address (a host name, or malformed).
    public init?(literal: String) {
        var text = literal
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        if let percent = text.firstIndex(of: "%") { text = String(text[..<percent]) }
        if text.contains(":") {
            var bytes = [UInt8](repeating: 0, count: 16)
            let parsed = bytes.withUnsafeMutableBytes { buffer in inet_pton(AF_INET6, text, buffer.baseAddress) }
            guard parsed == 1 else { return nil }
            self = .v6(bytes)
        } else if let value = Self.ipv4(text) {
            self = .v4(value)
        } else {
            return nil
        }
    }

    /// `inet_aton`'s reading: one to four parts, each decimal, octal (leading `0`) or hex (`0x`); the last part
    /// fills the remaining bytes.
    static func ipv4(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count) else { return nil }
        var values: [UInt64] = []
        for part in parts {
            let lower = part.lowercased()
            let value: UInt64?
            if lower.hasPrefix("0x") {
                value = lower.count > 2 ? UInt64(lower.dropFirst(2), radix: 16) : nil
            } else if lower.count > 1, lower.hasPrefix("0") {
                value = UInt64(lower.dropFirst(), radix: 8)
            } else {
                value = lower.isEmpty ? nil : UInt64(lower, radix: 10)
            }
            guard let value else { return nil }
            values.append(value)
        }
        var result: UInt64 = 0
        for (index, value) in values.enumerated() {
            let last = index == values.count - 1
            let width = last ? 8 * (4 - index) : 8
            guard value < (UInt64(1) << width) else { return nil }
            result = last ? result << UInt64(width) | value : result << 8 | value
        }
        return UInt32(result)
    }

    /// An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) as its IPv4 address; every other address as it is.
    public var canonical: IPAddress {
        guard case .v6(let bytes) = self, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff
        else { return self }
        return .v4(bytes[12...].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
    }

    public var description: String {
        switch self {
        case .v4(let value):
            return [24, 16, 8, 0].map { String((value >> UInt32($0)) & 0xff) }.joined(separator: ".")
        case .v6(let bytes):
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            let text = bytes.withUnsafeBytes { raw in
                inet_ntop(AF_INET6, raw.baseAddress, &buffer, socklen_t(buffer.count))
            }
            return text.map { _ in String(cString: buffer) } ?? "?"
        }
    }
}
