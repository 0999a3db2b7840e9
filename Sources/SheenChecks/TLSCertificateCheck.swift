import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS
import SwiftASN1
import X509

/// The `tls.certificate` probe: connect to the domain's pinned address (``OutboundTarget``), take the certificate
/// chain it presents, and judge it with swift-certificates: issued by a trusted root (RFC 5280 path validation),
/// valid for the host name (RFC 6125), and how many days are left. NIOSSL only carries the handshake; its own
/// verification is replaced by a callback that keeps the chain, so a bad certificate is described, not just refused.
public struct TLSCertificateCheck: Sendable {
    public enum Verdict: String, Sendable, Codable {
        case pass, warn, fail
    }

    public struct Result: Sendable, Equatable {
        public var verdict: Verdict
        /// Why, in a sentence naming the host.
        public var reason: String
        public var subject: String?
        public var issuer: String?
        public var notAfter: Date?
        public var daysLeft: Int?
    }

    /// The roots a chain must end in: the system's for a real run; the sandbox CA's alone for the sandbox, so a
    /// real run never trusts the sandbox and the sandbox never depends on the machine's store.
    public enum Trust: Sendable {
        case system
        case roots([Certificate])

        /// The certificates of a PEM file (`--ca-file`): a private CA's roots, as `curl --cacert` takes them.
        public static func pemFile(_ path: String) throws -> Trust {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw TLSCheckError.unreadableRoots(path)
            }
            let blocks = text.components(separatedBy: "-----END CERTIFICATE-----").compactMap { block -> String? in
                guard let start = block.range(of: "-----BEGIN CERTIFICATE-----") else { return nil }
                return String(block[start.lowerBound...]) + "-----END CERTIFICATE-----"
            }
            let roots = try blocks.map { try Certificate(pemEncoded: $0) }
            guard !roots.isEmpty else { throw TLSCheckError.unreadableRoots(path) }
            return .roots(roots)
        }

        var store: CertificateStore {
            switch self {
            case .system: CertificateStore.systemTrustRoots
            case .roots(let roots): CertificateStore(roots)
            }
        }
    }

    public var trust: Trust
    /// Fewer days left than this is a warning.
    public var warnDays: Int
    public var timeout: TimeAmount

    public init(trust: Trust = .system, warnDays: Int = 14, timeout: TimeAmount = .seconds(10)) {
        self.trust = trust
        self.warnDays = warnDays
        self.timeout = timeout
    }

    /// Checks the certificate `target` presents, judged at `now`.
    public func run(_ target: OutboundTarget, now: Date = Date()) async -> Result {
        let chain: [Certificate]
        do {
            chain = try await presentedChain(target)
        } catch {
            return Result(
                verdict: .fail, reason: "\(target.host): no TLS handshake on port \(target.port) (\(error))")
        }
        return await judge(chain, host: target.host, now: now)
    }

    /// Judges a presented chain (leaf first) for `host` at `now`.
    public func judge(_ chain: [Certificate], host: String, now: Date) async -> Result {
        guard let leaf = chain.first else {
            return Result(verdict: .fail, reason: "\(host) presented no certificate")
        }
        var result = Result(
            verdict: .fail, reason: "", subject: leaf.subject.description, issuer: leaf.issuer.description,
            notAfter: leaf.notValidAfter,
            daysLeft: Int((leaf.notValidAfter.timeIntervalSince(now) / 86_400).rounded(.down)))
        let intermediates = CertificateStore(Array(chain.dropFirst()))
        var path = Verifier(rootCertificates: trust.store) { RFC5280Policy(validationTime: now) }
        guard case .validCertificate = await path.validate(leaf: leaf, intermediates: intermediates) else {
            if leaf.notValidAfter < now {
                result.reason = "\(host)'s certificate expired on \(Self.day(leaf.notValidAfter)): renew it"
            } else if leaf.notValidBefore > now {
                result.reason = "\(host)'s certificate is not valid before \(Self.day(leaf.notValidBefore))"
            } else {
                result.reason =
                    "\(host)'s certificate (issued by \(leaf.issuer)) does not chain to a trusted root: serve the full chain from a public CA"
            }
            return result
        }
        var identity = Verifier(rootCertificates: trust.store) {
            RFC5280Policy(validationTime: now)
            ServerIdentityPolicy(serverHostname: host, serverIP: nil)
        }
        guard case .validCertificate = await identity.validate(leaf: leaf, intermediates: intermediates) else {
            result.reason =
                "\(host)'s certificate does not cover \(host) (it names \(Self.names(leaf))): issue one that does"
            return result
        }
        let days = result.daysLeft ?? 0
        result.verdict = days < warnDays ? .warn : .pass
        result.reason =
            days < warnDays
            ? "\(host)'s certificate expires in \(days) days (\(Self.day(leaf.notValidAfter))): renew it soon"
            : "\(host)'s certificate is valid for \(days) more days, issued by \(leaf.issuer)"
        return result
    }

    /// The chain the server presents, leaf first, from a handshake with the pinned address and the host as SNI.
    func presentedChain(_ target: OutboundTarget) async throws -> [Certificate] {
        let captured = CapturedChain()
        var configuration = TLSConfiguration.makeClientConfiguration()
        // The callback below stands in for chain verification; hostname verification is switched off as well,
        // because NIOSSL would otherwise refuse a wrong-host certificate before it could be described.
        configuration.certificateVerification = .noHostnameVerification
        let context = try NIOSSLContext(configuration: configuration)
        let sni = IPAddress(literal: target.host) == nil ? target.host : nil
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        // Made before connecting, so every path completes it: a refused connection fails it here.
        let handshake = loop.makePromise(of: Void.self)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: loop)
                .connectTimeout(timeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let handler = try NIOSSLClientHandler(context: context, serverHostname: sni) {
                            chain, promise in
                            captured.set(chain)
                            promise.succeed(.certificateVerified)
                        }
                        try channel.pipeline.syncOperations.addHandler(handler)
                        try channel.pipeline.syncOperations.addHandler(HandshakeWaiter(done: handshake))
                    }
                }
                .connect(host: target.address.description, port: target.port).get()
        } catch {
            handshake.fail(error)
            throw error
        }
        defer { channel.close(promise: nil) }
        let deadline = loop.scheduleTask(in: timeout) { handshake.fail(TLSCheckError.timedOut) }
        defer { deadline.cancel() }
        try await handshake.futureResult.get()
        return try captured.chain().map { try Certificate(derEncoded: try $0.toDERBytes()) }
    }

    static func day(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: date)
    }

    static func names(_ leaf: Certificate) -> String {
        let names =
            (try? leaf.extensions.subjectAlternativeNames)??.compactMap { name -> String? in
                if case .dnsName(let dns) = name { return dns }
                return nil
            } ?? []
        return names.isEmpty ? "no DNS names" : names.joined(separator: ", ")
    }
}

/// The chain the verification callback saw.
final class CapturedChain: @unchecked Sendable {
    private let lock = NSLock()
    private var certificates: [NIOSSLCertificate] = []

    func set(_ chain: [NIOSSLCertificate]) {
        lock.withLock { certificates = chain }
    }

    func chain() throws -> [NIOSSLCertificate] {
        try lock.withLock {
            guard !certificates.isEmpty else { throw TLSCheckError.noCertificate }
            return certificates
        }
    }
}

enum TLSCheckError: Error, CustomStringConvertible {
    case noCertificate, timedOut
    case unreadableRoots(String)
    var description: String {
        switch self {
        case .unreadableRoots(let path): "'\(path)' holds no PEM certificate"
        case .noCertificate: "the server presented no certificate"
        case .timedOut: "the handshake timed out"
        }
    }
}

/// Completes `done` when the TLS handshake finishes, or fails it when the channel errors or closes first.
final class HandshakeWaiter: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    let done: EventLoopPromise<Void>

    init(done: EventLoopPromise<Void>) {
        self.done = done
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event as? TLSUserEvent ?? .shutdownCompleted { done.succeed(()) }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        done.fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        done.fail(TLSCheckError.noCertificate)
        context.fireChannelInactive()
    }
}
