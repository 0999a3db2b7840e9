import Foundation
import Testing

@testable import SheenChecks

@Suite("DNS through ldns, against a local server")
struct DNSLookupTests {
    static let zone: [LocalDNSServer.Record] = [
        .init("souq.test", .a, "127.0.0.1"),
        .init("www.souq.test", .cname, "souq.test."),
        .init("send.souq.test", .txt, "\"v=spf1 include:amazonses.com ~all\""),
        .init("send.souq.test", .mx, "10 feedback-smtp.me-south-1.amazonses.com."),
    ]

    @Test("A, CNAME, TXT and MX answers come back as the zone has them")
    func answers() async throws {
        let server = try await LocalDNSServer.start(Self.zone)
        let lookup = DNSLookup(server: server.server)
        #expect(try await lookup.query("souq.test", .a) == .init(rcode: "NOERROR", records: ["127.0.0.1"]))
        #expect(try await lookup.query("www.souq.test", .cname).records == ["souq.test."])
        #expect(try await lookup.query("send.souq.test", .txt).records == ["\"v=spf1 include:amazonses.com ~all\""])
        #expect(
            try await lookup.query("SEND.souq.test.", .mx).records == ["10 feedback-smtp.me-south-1.amazonses.com."])
        await server.stop()
    }

    @Test("an unknown name is NXDOMAIN; a known name without that type is an empty NOERROR")
    func missing() async throws {
        let server = try await LocalDNSServer.start(Self.zone)
        let lookup = DNSLookup(server: server.server)
        let unknown = try await lookup.query("nope.souq.test", .a)
        #expect(unknown.rcode == "NXDOMAIN" && unknown.records.isEmpty && !unknown.exists)
        let empty = try await lookup.query("souq.test", .aaaa)
        #expect(empty.rcode == "NOERROR" && empty.records.isEmpty)
        await server.stop()
    }

    @Test("a server that does not answer fails in about the timeout, naming the server")
    func silent() async throws {
        // A bound UDP socket that never replies.
        let server = try await LocalDNSServer.start([])
        let port = server.port
        await server.stop()
        let lookup = DNSLookup(server: .at(host: "127.0.0.1", port: port), timeout: .milliseconds(300))
        await #expect(throws: DNSLookup.Failure.self) { try await lookup.query("souq.test", .a) }
    }

    @Test("server addresses parse with and without a port; names are refused")
    func servers() {
        #expect(DNSLookup.Server("127.0.0.1:5353") == .at(host: "127.0.0.1", port: 5353))
        #expect(DNSLookup.Server("1.1.1.1") == .at(host: "1.1.1.1", port: 53))
        #expect(DNSLookup.Server("[::1]:53") == .at(host: "::1", port: 53))
        #expect(DNSLookup.Server("::1") == .at(host: "::1", port: 53))
        #expect(DNSLookup.Server("dns.example") == nil)
        #expect(DNSLookup.Server("127.0.0.1:99999") == nil)
    }
}
