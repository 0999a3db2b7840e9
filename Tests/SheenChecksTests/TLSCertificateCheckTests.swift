import Crypto
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import SwiftASN1
import Testing
import X509

@testable import SheenChecks

/// A TLS server on loopback presenting one certificate (and its CA), answering nothing: the check needs only the
/// handshake.
struct TLSTestServer {
    let channel: any Channel
    var port: Int { channel.localAddress?.port ?? 0 }

    static func start(
        _ certificate: Certificate, key: P256.Signing.PrivateKey, ca: Certificate
    ) async throws
        -> TLSTestServer
    {
        func nio(_ certificate: Certificate) throws -> NIOSSLCertificate {
            var serializer = DER.Serializer()
            try serializer.serialize(certificate)
            return try NIOSSLCertificate(bytes: serializer.serializedBytes, format: .der)
        }
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(try nio(certificate)), .certificate(try nio(ca))],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(key.pemRepresentation.utf8), format: .pem)))
        let context = try NIOSSLContext(configuration: configuration)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return TLSTestServer(channel: channel)
    }

    func stop() { channel.close(promise: nil) }
}

@Suite("The tls.certificate probe against local TLS servers")
struct TLSCertificateCheckTests {
    /// Whole seconds, as certificates keep them, so the days left are exact.
    static let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
    static let day: TimeInterval = 86_400

    static func target(_ host: String, port: Int) -> OutboundTarget {
        // What OutboundTarget.check pins for a name the sandbox resolves to loopback.
        OutboundTarget(
            url: URL(string: "https://\(host):\(port)/") ?? URL(fileURLWithPath: "/"), host: host, port: port,
            address: .v4(0x7f00_0001))
    }

    static func serve(
        _ authority: SandboxCertificateAuthority, hosts: [String], from: TimeInterval, to: TimeInterval
    ) async throws -> TLSTestServer {
        let (certificate, key) = try authority.issue(
            hosts: hosts, notBefore: now.addingTimeInterval(from * day), notAfter: now.addingTimeInterval(to * day))
        return try await TLSTestServer.start(certificate, key: key, ca: authority.root)
    }

    @Test("a good certificate passes with its days left; one close to expiry warns")
    func good() async throws {
        let authority = try SandboxCertificateAuthority(now: Self.now)
        let check = TLSCertificateCheck(trust: .roots([authority.root]))
        let server = try await Self.serve(authority, hosts: ["souq.test", "www.souq.test"], from: -1, to: 90)
        defer { server.stop() }
        let result = await check.run(Self.target("souq.test", port: server.port), now: Self.now)
        #expect(result.verdict == .pass, "\(result.reason)")
        #expect(result.daysLeft == 90)
        #expect(result.reason.contains("valid for 90 more days"))
        let soon = try await Self.serve(authority, hosts: ["souq.test"], from: -80, to: 5)
        defer { soon.stop() }
        let warned = await check.run(Self.target("souq.test", port: soon.port), now: Self.now)
        #expect(warned.verdict == .warn && warned.reason.contains("expires in 5 days"), "\(warned.reason)")
    }

    @Test("an expired certificate and one for another host fail, each saying why")
    func bad() async throws {
        let authority = try SandboxCertificateAuthority(now: Self.now)
        let check = TLSCertificateCheck(trust: .roots([authority.root]))
        let expired = try await Self.serve(authority, hosts: ["souq.test"], from: -100, to: -10)
        defer { expired.stop() }
        let old = await check.run(Self.target("souq.test", port: expired.port), now: Self.now)
        #expect(old.verdict == .fail && old.reason.contains("expired on"), "\(old.reason)")
        let wrong = try await Self.serve(authority, hosts: ["other.test"], from: -1, to: 90)
        defer { wrong.stop() }
        let mismatch = await check.run(Self.target("souq.test", port: wrong.port), now: Self.now)
        #expect(mismatch.verdict == .fail, "\(mismatch.reason)")
        #expect(mismatch.reason.contains("does not cover souq.test (it names other.test)"), "\(mismatch.reason)")
    }

    @Test("a real run trusts the system's roots, so the sandbox CA's certificate fails there")
    func sandboxIsNeverTrustedByARealRun() async throws {
        let authority = try SandboxCertificateAuthority(now: Self.now)
        let server = try await Self.serve(authority, hosts: ["souq.test"], from: -1, to: 90)
        defer { server.stop() }
        let real = await TLSCertificateCheck(trust: .system).run(
            Self.target("souq.test", port: server.port), now: Self.now)
        #expect(real.verdict == .fail && real.reason.contains("does not chain to a trusted root"), "\(real.reason)")
        let otherSandbox = try SandboxCertificateAuthority(now: Self.now)
        let foreign = await TLSCertificateCheck(trust: .roots([otherSandbox.root])).run(
            Self.target("souq.test", port: server.port), now: Self.now)
        #expect(foreign.verdict == .fail)
    }

    @Test("nothing listening fails the probe quickly with the host and port named")
    func closedPort() async throws {
        let result = await TLSCertificateCheck(timeout: .seconds(2)).run(Self.target("souq.test", port: 1))
        #expect(result.verdict == .fail && result.reason.contains("souq.test: no TLS handshake on port 1"))
    }
}
