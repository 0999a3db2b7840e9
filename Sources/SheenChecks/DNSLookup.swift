internal import CLDNS
import Foundation

/// DNS questions through ldns (NLnet Labs' resolver library), against the system's resolvers or a server the caller
/// names (`--dns-server`, the sandbox's stand-in, a test's): no DNS packet is read or written by hand here.
public struct DNSLookup: Sendable {
    /// Where questions go: the system's `/etc/resolv.conf`, or one server.
    public enum Server: Sendable, Hashable {
        case system
        case at(host: String, port: Int)

        /// `1.1.1.1`, `1.1.1.1:53`, `[::1]:5353`.
        public init?(_ text: String) {
            var host = text
            var port = 53
            if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
                host = String(text[text.index(after: text.startIndex)..<close])
                let rest = text[text.index(after: close)...]
                if rest.hasPrefix(":") {
                    guard let parsed = Int(rest.dropFirst()) else { return nil }
                    port = parsed
                }
            } else if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
                host = String(text[..<colon])
                guard let parsed = Int(text[text.index(after: colon)...]) else { return nil }
                port = parsed
            }
            guard IPAddress(literal: host) != nil, (1...65_535).contains(port) else { return nil }
            self = .at(host: host, port: port)
        }
    }

    public enum RecordType: String, Sendable, CaseIterable {
        case a = "A"
        case aaaa = "AAAA"
        case cname = "CNAME"
        case txt = "TXT"
        case mx = "MX"

        var ldns: ldns_rr_type {
            switch self {
            case .a: LDNS_RR_TYPE_A
            case .aaaa: LDNS_RR_TYPE_AAAA
            case .cname: LDNS_RR_TYPE_CNAME
            case .txt: LDNS_RR_TYPE_TXT
            case .mx: LDNS_RR_TYPE_MX
            }
        }
    }

    /// The answer: the response code and each answer record's data as ldns prints it (`127.0.0.1`, `"v=spf1 …"`,
    /// `10 mx.example.`).
    public struct Answer: Sendable, Hashable {
        public var rcode: String
        public var records: [String]
        public var exists: Bool { rcode == "NOERROR" }
    }

    public enum Failure: Error, Sendable, CustomStringConvertible {
        case badName(String)
        case noResolver(String)
        case noAnswer(server: String, name: String)

        public var description: String {
            switch self {
            case .badName(let name): "'\(name)' is not a valid DNS name"
            case .noResolver(let why): "no DNS resolver: \(why)"
            case .noAnswer(let server, let name): "\(server) gave no answer for \(name) in time"
            }
        }
    }

    public var server: Server
    public var timeout: Duration

    public init(server: Server = .system, timeout: Duration = .seconds(3)) {
        self.server = server
        self.timeout = timeout
    }

    /// Asks for `type` records of `name`. ldns blocks, so the question runs on a thread of its own.
    public func query(_ name: String, _ type: RecordType) async throws -> Answer {
        let server = server
        let timeout = timeout
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try Self.ask(name, type, server: server, timeout: timeout) })
            }
        }
    }

    static func ask(_ name: String, _ type: RecordType, server: Server, timeout: Duration) throws -> Answer {
        var resolver: UnsafeMutablePointer<ldns_resolver>?
        switch server {
        case .system:
            let status = ldns_resolver_new_frm_file(&resolver, nil)
            guard status == LDNS_STATUS_OK, resolver != nil else {
                throw Failure.noResolver(String(cString: ldns_get_errorstr_by_id(status)))
            }
        case .at(let host, let port):
            resolver = ldns_resolver_new()
            let kind = host.contains(":") ? LDNS_RDF_TYPE_AAAA : LDNS_RDF_TYPE_A
            guard let resolver, let address = ldns_rdf_new_frm_str(kind, host) else {
                throw Failure.noResolver("'\(host)' is not an IP address")
            }
            defer { ldns_rdf_deep_free(address) }
            _ = ldns_resolver_push_nameserver(resolver, address)
            ldns_resolver_set_port(resolver, UInt16(port))
        }
        guard let resolver else { throw Failure.noResolver("ldns could not make one") }
        defer { ldns_resolver_deep_free(resolver) }
        let seconds = timeout.components.seconds
        let micro = Int(timeout.components.attoseconds / 1_000_000_000_000)
        ldns_resolver_set_timeout(resolver, timeval(tv_sec: Int(seconds), tv_usec: micro))
        ldns_resolver_set_retry(resolver, 1)
        guard let dname = ldns_dname_new_frm_str(name) else { throw Failure.badName(name) }
        defer { ldns_rdf_deep_free(dname) }
        guard
            let packet = ldns_resolver_query(
                resolver, dname, type.ldns, LDNS_RR_CLASS_IN, UInt16(LDNS_RD))
        else {
            throw Failure.noAnswer(server: Self.describe(server), name: name)
        }
        defer { ldns_pkt_free(packet) }
        let rcode = ldns_pkt_get_rcode(packet)
        let rcodeText = Self.text(ldns_pkt_rcode2str(rcode)) ?? "RCODE\(rcode.rawValue)"
        var records: [String] = []
        if let list = ldns_pkt_rr_list_by_type(packet, type.ldns, LDNS_SECTION_ANSWER) {
            defer { ldns_rr_list_deep_free(list) }
            for index in 0..<ldns_rr_list_rr_count(list) {
                guard let record = ldns_rr_list_rr(list, index) else { continue }
                let fields = (0..<ldns_rr_rd_count(record)).compactMap {
                    Self.text(ldns_rdf2str(ldns_rr_rdf(record, $0)))
                }
                records.append(fields.joined(separator: " "))
            }
        }
        return Answer(rcode: rcodeText, records: records)
    }

    /// A C string ldns allocated, copied and freed.
    static func text(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
        guard let pointer else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    static func describe(_ server: Server) -> String {
        switch server {
        case .system: "the system's resolver"
        case .at(let host, let port): "\(host):\(port)"
        }
    }
}
