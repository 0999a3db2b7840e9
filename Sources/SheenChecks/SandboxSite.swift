import Crypto
import Foundation
import Hummingbird
import HummingbirdTLS
import NIOCore
import NIOSSL
import SheenAuth
import SwiftASN1
import X509

/// The sandbox's stand-in for the launched site: HTTPS on loopback with a certificate the sandbox CA issued for the
/// sandbox domain, serving a starter Arabic page (`dir="rtl" lang="ar"`) whose `@font-face` font is a real Arabic font
/// from the machine. The probes judge it exactly as they would judge the real site; only their trust store differs.
public struct SandboxSite: Sendable {
    let server: LoopbackServer
    public var port: Int { server.port }

    /// Fonts Debian ships that shape Arabic (fonts-hosny-amiri first: small, and the shaping vectors use it).
    public static let fontCandidates = [
        "/usr/share/fonts/opentype/fonts-hosny-amiri/Amiri-Regular.ttf",
        "/usr/share/fonts/truetype/fonts-hosny-amiri/Amiri-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf",
        "/usr/share/fonts/truetype/kacst/KacstOne.ttf",
    ]

    public enum Failure: Error, Sendable, CustomStringConvertible {
        case noArabicFont
        case cannotListen(String)

        public var description: String {
            switch self {
            case .noArabicFont:
                "no Arabic font on this machine for the sandbox's starter page: install one (sudo apt-get install fonts-hosny-amiri) or set fonts.arabic in sheen.yaml"
            case .cannotListen(let why): "the sandbox site could not listen on loopback (\(why))"
            }
        }
    }

    public static func arabicFont(named path: String? = nil) -> String? {
        ([path].compactMap { $0 } + fontCandidates).first { FileManager.default.isReadableFile(atPath: $0) }
    }

    /// Serves the page for `domain` on 127.0.0.1 (port 0: a free one), with a certificate from `authority` for
    /// `certificateHosts` (default: the domain and its `www.`) valid over `validity` (default: from an hour ago for
    /// 90 days); tests serve expired and wrong-host certificates this way.
    public static func start(
        domain: String, authority: SandboxCertificateAuthority, fontPath: String? = nil, port requested: Int = 0,
        certificateHosts: [String]? = nil, validity: ClosedRange<Date>? = nil, now: Date = Date()
    ) async throws(Failure) -> SandboxSite {
        guard let path = arabicFont(named: fontPath), let font = FileManager.default.contents(atPath: path) else {
            throw .noArabicFont
        }
        let tls: TLSConfiguration
        do {
            let validity = validity ?? now.addingTimeInterval(-3600)...now.addingTimeInterval(90 * 86_400)
            let (certificate, key) = try authority.issue(
                hosts: certificateHosts ?? [domain, "www.\(domain)"], notBefore: validity.lowerBound,
                notAfter: validity.upperBound)
            func nio(_ certificate: Certificate) throws -> NIOSSLCertificate {
                var serializer = DER.Serializer()
                try serializer.serialize(certificate)
                return try NIOSSLCertificate(bytes: serializer.serializedBytes, format: .der)
            }
            tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: [.certificate(try nio(certificate)), .certificate(try nio(authority.root))],
                privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(key.pemRepresentation.utf8), format: .pem)))
        } catch {
            throw .cannotListen("\(error)")
        }
        let router = Router()
        let page = Self.page(domain: domain)
        router.get("/") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: page)))
        }
        router.get("/fonts/arabic.ttf") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "font/ttf"], body: .init(byteBuffer: ByteBuffer(bytes: font)))
        }
        let server: LoopbackServer
        do {
            server = try await LoopbackServer.start(router, port: requested, server: try .tls(tlsConfiguration: tls))
        } catch {
            throw .cannotListen("\(error)")
        }
        return SandboxSite(server: server)
    }

    public func stop() async {
        server.stop()
        await server.wait()
    }

    /// A starter page a MENA shop would ship: Arabic first, right to left, its font served from its own origin.
    static func page(domain: String) -> String {
        """
        <!doctype html>
        <html dir="rtl" lang="ar">
        <head>
        <meta charset="utf-8">
        <title>\(domain) — متجر تجريبي</title>
        <style>
        @font-face { font-family: "SheenArabic"; src: url("/fonts/arabic.ttf") format("truetype"); font-display: swap; }
        body { font-family: "SheenArabic", serif; }
        </style>
        </head>
        <body>
        <h1>أهلًا بكم في متجرنا</h1>
        <p>هذه صفحة البداية التي أطلقها Sheen في بيئة التجربة. الدفع بمدى وكي-نت وأبل باي، والشحن مع أرامكس.</p>
        </body>
        </html>
        """
    }
}
