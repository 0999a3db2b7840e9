import Foundation
import SheenEngine
import SheenModel
import Testing

@testable import SheenChecks

/// HarfBuzz against the published `hb-shape` output for Amiri (research/vectors/arabic_shaping_harfbuzz.json, made
/// with the same Debian packages), the structural verdict on fonts that do and do not shape Arabic, and the whole
/// `font.arabic-shaping` probe against the sandbox's HTTPS stand-in.
@Suite("Arabic rendering: libxml2, FreeType and HarfBuzz")
struct ArabicRenderingTests {
    static let amiri = "/usr/share/fonts/opentype/fonts-hosny-amiri/Amiri-Regular.ttf"
    static let noArabic = "/usr/share/fonts/truetype/dejavu/DejaVuMathTeXGyre.ttf"

    struct Case: Decodable {
        var font: String
        var text: String
        var glyphIDs: String

        enum CodingKeys: String, CodingKey {
            case font, text
            case glyphIDs = "hb_shape_glyph_ids"
        }
    }

    static func vectors() throws -> [Case] {
        struct File: Decodable { var cases: [Case] }
        let url = try #require(
            Bundle.module.url(forResource: "arabic_shaping_harfbuzz", withExtension: "json", subdirectory: "Vectors"))
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
    }

    @Test("Amiri shapes every vector exactly as hb-shape printed it (glyph ids, clusters, advances)")
    func amiriVectors() throws {
        let shaping = try ArabicShaping(font: try Data(contentsOf: URL(fileURLWithPath: Self.amiri)))
        let cases = try Self.vectors().filter { $0.font.hasPrefix("Amiri-Regular") }
        #expect(cases.count >= 3)
        for vector in cases {
            let printed = try shaping.shape(vector.text).map { "\($0.id)=\($0.cluster)+\($0.advance)" }
            #expect("[" + printed.joined(separator: "|") + "]" == vector.glyphIDs, "\(vector.text)")
        }
        let verdict = try shaping.judge()
        #expect(verdict.passes && verdict.family == "Amiri", "\(verdict.reason)")
    }

    @Test("a font without Arabic glyphs fails as tofu; something that is not a font is refused")
    func notArabic() throws {
        let verdict = try ArabicShaping(font: try Data(contentsOf: URL(fileURLWithPath: Self.noArabic))).judge()
        #expect(!verdict.passes && verdict.reason.contains("tofu"), "\(verdict.reason)")
        #expect(throws: ArabicShaping.Failure.self) { try ArabicShaping(font: Data("<html></html>".utf8)) }
    }

    @Test("the page's direction, language, styles, linked sheets and @font-face sources are read")
    func page() {
        let html = """
            <!doctype html><html dir="RTL" lang="ar-SA"><head>
            <link rel="preload stylesheet" href="/a.css"><link rel="icon" href="/i.png">
            <style>@font-face { font-family: X; src: url('/f/x.woff2') format("woff2"), url(/f/x.ttf); }</style>
            </head><body><p>مرحبا</body></html>
            """
        let page = ArabicPage(html: Data(html.utf8), url: URL(fileURLWithPath: "/"))
        #expect(page.isRightToLeft && page.isArabic)
        #expect(page.stylesheets == ["/a.css"])
        #expect(page.styles.flatMap(ArabicPage.fontSources) == ["/f/x.woff2", "/f/x.ttf"])
        let english = ArabicPage(html: Data("<html lang='en'><body>hi".utf8), url: URL(fileURLWithPath: "/"))
        #expect(!english.isRightToLeft && !english.isArabic)
    }

    @Test("the probe passes the sandbox site through its DNS stand-in, and a real run's guard and roots refuse it")
    func probeAgainstTheSandboxSite() async throws {
        let authority = try SandboxCertificateAuthority()
        let site = try await SandboxSite.start(domain: "souq.test", authority: authority)
        let dns = try await LocalDNSServer.start([.init("souq.test", .a, "127.0.0.1")])
        let sandbox = ProbeSettings(
            domain: "souq.test", httpsPort: site.port, dns: DNSLookup(server: dns.server), policy: .sandbox,
            trust: .roots([authority.root]))
        let outcomes = await ChecklistProbes(sandbox).run([.dnsResolves, .tlsCertificate, .arabicFontShaping])
        #expect(outcomes[.dnsResolves]?.verdict == .pass, "\(outcomes[.dnsResolves]?.message.en ?? "")")
        #expect(outcomes[.tlsCertificate]?.verdict == .pass, "\(outcomes[.tlsCertificate]?.message.en ?? "")")
        let font = try #require(outcomes[.arabicFontShaping])
        #expect(font.verdict == .pass && font.message.en.contains("shapes Arabic"), "\(font.message.en)")
        // The same stand-ins, judged as a real run judges: loopback is refused before any connection.
        var real = sandbox
        real.policy = .publicOnly
        let refused = await ChecklistProbes(real).run([.tlsCertificate, .arabicFontShaping])
        #expect(refused[.tlsCertificate]?.verdict == .fail)
        #expect(
            refused[.tlsCertificate]?.message.en.contains("loopback") == true,
            "\(refused[.tlsCertificate]?.message.en ?? "")")
        #expect(refused[.arabicFontShaping]?.verdict == .fail)
        await site.stop()
        await dns.stop()
    }

    @Test("the fetcher caps size: a font larger than the limit is refused, naming the limit")
    func sizeCap() async throws {
        let authority = try SandboxCertificateAuthority()
        let site = try await SandboxSite.start(domain: "souq.test", authority: authority)
        let dns = try await LocalDNSServer.start([.init("souq.test", .a, "127.0.0.1")])
        let url = "https://souq.test:\(site.port)/fonts/arabic.ttf"
        var fetcher = GuardedFetcher(
            policy: .sandbox, resolver: LDNSHostResolver(DNSLookup(server: dns.server)), trust: .roots([authority.root])
        )
        let whole = try await fetcher.get(url)
        #expect(whole.body.count > 100_000)
        fetcher.maxBytes = 64 << 10
        await #expect(throws: GuardedFetcher.Failure.self) { try await fetcher.get(url) }
        do {
            _ = try await fetcher.get(url)
        } catch {
            #expect(error.description.contains("larger than 64 KiB"), "\(error)")
        }
        await site.stop()
        await dns.stop()
    }

    @Test("no domain is unknown, never pass; a missing name is NXDOMAIN and fails")
    func noDomain() async throws {
        let none = await ChecklistProbes(ProbeSettings(domain: nil)).run([.dnsResolves, .tlsCertificate])
        #expect(none.values.allSatisfy { $0.verdict == .unknown })
        let dns = try await LocalDNSServer.start([])
        let missing = await ChecklistProbes(ProbeSettings(domain: "souq.test", dns: DNSLookup(server: dns.server)))
            .run(.dnsResolves)
        #expect(missing.verdict == .fail && missing.message.en.contains("NXDOMAIN"))
        await dns.stop()
    }
}
