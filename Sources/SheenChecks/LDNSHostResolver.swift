import Foundation

/// A ``HostResolver`` that asks through ``DNSLookup`` (ldns), so a probe can be pointed at one DNS server — the
/// sandbox's stand-in, a test's — while the SSRF guard still judges every answer.
public struct LDNSHostResolver: HostResolver {
    public let lookup: DNSLookup

    public init(_ lookup: DNSLookup) { self.lookup = lookup }

    public func addresses(of host: String) async throws -> [IPAddress] {
        var found: [IPAddress] = []
        for type in [DNSLookup.RecordType.a, .aaaa] {
            let answer = try await lookup.query(host, type)
            found += answer.records.compactMap { IPAddress(literal: $0) }
        }
        return found
    }
}
