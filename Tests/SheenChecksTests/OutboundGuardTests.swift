import Foundation
import Synchronization
import Testing

@testable import SheenChecks

@Suite("The SSRF guard: which addresses a check may reach")
struct AddressPolicyTests {
    /// Svix's `is_allowed_test` cases and OWASP's list, with the odd literal forms `inet_aton` accepts.
    static let blocked: [String] = [
        "127.0.0.1", "127.255.255.254", "10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.255",
        "192.168.1.1", "169.254.169.254", "169.254.0.1", "100.64.0.1", "100.127.255.254", "0.0.0.0", "0.1.2.3",
        "192.0.0.8", "192.0.2.1", "198.51.100.7", "203.0.113.9", "192.88.99.1", "198.18.0.1", "198.19.255.255",
        "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
        "2130706433", "0x7f000001", "0177.0.0.1", "127.1", "0x7f.1", "017700000001", "0",
        "::1", "[::1]", "::", "::ffff:127.0.0.1", "[::ffff:7f00:1]", "::ffff:10.0.0.1", "::ffff:169.254.169.254",
        "::127.0.0.1", "fe80::1", "fe80::1%eth0", "fc00::1", "fd12:3456::1", "ff02::1", "2001:db8::1",
        "3fff::1", "100::1", "2002:7f00:1::", "64:ff9b::808:808", "64:ff9b:1::1", "5f00::1", "2001::1", "fec0::1",
    ]
    static let allowed: [String] = [
        "8.8.8.8", "1.1.1.1", "93.184.216.34", "172.32.0.1", "100.128.0.1", "192.169.0.1", "::ffff:8.8.8.8",
        "2001:4860:4860::8888", "2606:4700:4700::1111", "2a00:1450:4001::1",
    ]

    @Test("every special range is refused, in every literal form", arguments: blocked)
    func refuses(literal: String) throws {
        let address = try #require(IPAddress(literal: literal), "\(literal) does not parse")
        #expect(AddressPolicy.publicOnly.refusal(address) != nil, "\(literal) (\(address)) was allowed")
    }

    @Test("public addresses pass", arguments: allowed)
    func allows(literal: String) throws {
        let address = try #require(IPAddress(literal: literal))
        #expect(
            AddressPolicy.publicOnly.refusal(address) == nil,
            "\(literal): \(AddressPolicy.publicOnly.refusal(address) ?? "")")
    }

    @Test("the table has the cases the research asks for, and the literal forms read as inet_aton reads them")
    func literalForms() {
        #expect(Self.blocked.count + Self.allowed.count >= 40)
        for form in ["2130706433", "0x7f000001", "0177.0.0.1", "127.1", "0x7f.1", "017700000001"] {
            #expect(IPAddress(literal: form)?.description == "127.0.0.1", "\(form)")
        }
        #expect(IPAddress(literal: "[::ffff:7f00:1]")?.canonical.description == "127.0.0.1")
        for bad in ["256.1.1.1", "1.2.3.4.5", "example.com", "0x", "08.1.1.1", "", "1..1"] {
            #expect(IPAddress(literal: bad) == nil, "\(bad) parsed")
        }
    }

    @Test("only the sandbox reaches loopback, and never the other private ranges")
    func sandbox() throws {
        let loopback = try #require(IPAddress(literal: "127.0.0.1"))
        #expect(AddressPolicy.sandbox.refusal(loopback) == nil)
        #expect(AddressPolicy.sandbox.refusal(try #require(IPAddress(literal: "::1"))) == nil)
        #expect(AddressPolicy.sandbox.refusal(try #require(IPAddress(literal: "169.254.169.254"))) != nil)
        #expect(AddressPolicy.publicOnly.refusal(loopback) == "loopback")
    }
}

/// A DNS server that answers what a test tells it, counting questions: the first answer public, later ones
/// loopback, as a rebinding attack answers.
final class ScriptedResolver: HostResolver {
    let answers: Mutex<[String: [[IPAddress]]]>
    let asked = Mutex(0)

    init(_ answers: [String: [[String]]]) {
        self.answers = Mutex(answers.mapValues { $0.map { $0.compactMap(IPAddress.init(literal:)) } })
    }

    func addresses(of host: String) async throws -> [IPAddress] {
        asked.withLock { $0 += 1 }
        return answers.withLock { table in
            guard var queue = table[host], !queue.isEmpty else { return [] }
            let next = queue.count > 1 ? queue.removeFirst() : queue[0]
            table[host] = queue
            return next
        }
    }
}

@Suite("The SSRF guard: resolving, pinning and redirects")
struct OutboundTargetTests {
    @Test("a rebinding name is resolved once and pinned to its public answer; the connection goes there")
    func rebinding() async throws {
        let resolver = ScriptedResolver(["shop.example": [["93.184.216.34"], ["127.0.0.1"]]])
        let target = try await OutboundTarget.check(
            "https://shop.example/page", policy: .publicOnly, resolver: resolver)
        #expect(target.address.description == "93.184.216.34")
        #expect(target.host == "shop.example" && target.port == 443)
        // What a connector would connect to is the pinned address, whatever the name answers now.
        let now = try await resolver.addresses(of: "shop.example")
        #expect(now.map(\.description) == ["127.0.0.1"])
        #expect(target.address.description == "93.184.216.34")
        #expect(resolver.asked.withLock { $0 } == 2)
    }

    @Test("mixed answers pin the public one; all-special answers are refused with the range named")
    func mixedAnswers() async throws {
        let resolver = ScriptedResolver([
            "mixed.example": [["10.0.0.5", "fd00::1", "2606:4700:4700::1111"]],
            "inside.example": [["169.254.169.254", "::1"]],
        ])
        let mixed = try await OutboundTarget.check("https://mixed.example", policy: .publicOnly, resolver: resolver)
        #expect(mixed.address.description == "2606:4700:4700::1111")
        await #expect(
            throws: OutboundRefusal.blockedAddress(
                host: "inside.example", address: "169.254.169.254",
                range: "link-local (169.254.0.0/16, cloud metadata)")
        ) {
            _ = try await OutboundTarget.check("https://inside.example", policy: .publicOnly, resolver: resolver)
        }
        await #expect(throws: OutboundRefusal.unresolvable(host: "nowhere.example")) {
            _ = try await OutboundTarget.check("https://nowhere.example", policy: .publicOnly, resolver: resolver)
        }
    }

    @Test("literal hosts, odd forms included, are judged without resolving; http and other schemes are refused")
    func literalsAndSchemes() async throws {
        let resolver = ScriptedResolver([:])
        for url in ["https://127.1/", "https://2130706433/", "https://[::ffff:7f00:1]/", "https://0x7f000001:8443/"] {
            await #expect(throws: OutboundRefusal.self, "\(url)") {
                _ = try await OutboundTarget.check(url, policy: .publicOnly, resolver: resolver)
            }
        }
        await #expect(throws: OutboundRefusal.scheme("http")) {
            _ = try await OutboundTarget.check("http://93.184.216.34/", policy: .publicOnly, resolver: resolver)
        }
        await #expect(throws: OutboundRefusal.scheme("file")) {
            _ = try await OutboundTarget.check("file:///etc/passwd", policy: .publicOnly, resolver: resolver)
        }
        #expect(resolver.asked.withLock { $0 } == 0)
        let sandbox = try await OutboundTarget.check(
            "http://127.0.0.1:8443/", policy: .sandbox, resolver: resolver, allowHTTP: true)
        #expect(sandbox.port == 8443)
    }

    @Test("every redirect hop is checked again: to the metadata address, to file://, and from https down to http")
    func redirects() async throws {
        let resolver = ScriptedResolver(["shop.example": [["93.184.216.34"]], "cdn.example": [["1.1.1.1"]]])
        let start = try await OutboundTarget.check("https://shop.example/a", policy: .publicOnly, resolver: resolver)
        let next = try await start.redirect(to: "https://cdn.example/b", policy: .publicOnly, resolver: resolver)
        #expect(next.address.description == "1.1.1.1")
        let relative = try await start.redirect(to: "/c", policy: .publicOnly, resolver: resolver)
        #expect(relative.url.absoluteString == "https://shop.example/c")
        await #expect(throws: OutboundRefusal.self) {
            _ = try await start.redirect(
                to: "http://169.254.169.254/latest/meta-data", policy: .publicOnly, resolver: resolver)
        }
        await #expect(throws: OutboundRefusal.scheme("file")) {
            _ = try await start.redirect(to: "file:///etc/passwd", policy: .publicOnly, resolver: resolver)
        }
        await #expect(throws: OutboundRefusal.scheme("http")) {
            _ = try await start.redirect(
                to: "http://cdn.example/", policy: .sandbox, resolver: resolver, allowHTTP: true)
        }
    }

    @Test("the system resolver answers localhost with loopback, which the guard refuses outside the sandbox")
    func systemResolver() async throws {
        let answers = try await SystemResolver().addresses(of: "localhost")
        #expect(!answers.isEmpty && answers.allSatisfy { AddressPolicy.special($0.canonical) == "loopback" })
        await #expect(throws: OutboundRefusal.self) {
            _ = try await OutboundTarget.check("https://localhost/", policy: .publicOnly, resolver: SystemResolver())
        }
    }
}
