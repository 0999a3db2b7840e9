import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOSSL
import SwiftASN1
import X509

/// GETs a user-supplied URL the way every probe must: its host checked and pinned by ``OutboundTarget`` (the
/// connection goes to the checked address, whatever DNS says a moment later), each redirect checked again and never
/// down to http, and time and size capped. The trust roots are the probe's: the sandbox CA alone in the sandbox.
public struct GuardedFetcher: Sendable {
    public var policy: AddressPolicy
    public var resolver: any HostResolver
    public var trust: TLSCertificateCheck.Trust
    public var timeout: TimeAmount
    public var maxBytes: Int
    public var maxRedirects: Int
    /// http is refused unless the sandbox allows it for its loopback stand-ins.
    public var allowHTTP: Bool

    public init(
        policy: AddressPolicy = .publicOnly, resolver: any HostResolver = SystemResolver(),
        trust: TLSCertificateCheck.Trust = .system, timeout: TimeAmount = .seconds(10), maxBytes: Int = 5 << 20,
        maxRedirects: Int = 5, allowHTTP: Bool = false
    ) {
        self.policy = policy
        self.resolver = resolver
        self.trust = trust
        self.timeout = timeout
        self.maxBytes = maxBytes
        self.maxRedirects = maxRedirects
        self.allowHTTP = allowHTTP
    }

    public struct Page: Sendable {
        /// Where the body came from after redirects: same-origin rules are judged against it.
        public var url: URL
        public var contentType: String?
        public var body: Data
    }

    public enum Failure: Error, Sendable, CustomStringConvertible {
        case refused(OutboundRefusal)
        case status(Int, URL)
        case tooManyRedirects(URL)
        case tooLarge(URL, limit: Int)
        case transport(URL, String)

        public var description: String {
            switch self {
            case .refused(let refusal): refusal.message
            case .status(let code, let url): "\(url.absoluteString) answered HTTP \(code)"
            case .tooManyRedirects(let url): "\(url.absoluteString) redirects too many times"
            case .tooLarge(let url, let limit): "\(url.absoluteString) is larger than \(limit / 1024) KiB"
            case .transport(let url, let why): "\(url.absoluteString) could not be fetched (\(why))"
            }
        }
    }

    /// POSTs `body` with `headers` to `text` once (no redirects: a delivery is not re-sent elsewhere), through the
    /// same guard; returns the status and the answer.
    public func post(_ text: String, headers: [(String, String)], body: Data) async throws(Failure) -> (Int, Data) {
        let target: OutboundTarget
        do {
            target = try await OutboundTarget.check(text, policy: policy, resolver: resolver, allowHTTP: allowHTTP)
        } catch {
            throw .refused(error)
        }
        let response = try await fetch(target, method: .POST, headers: headers, body: body)
        return (response.status, response.body)
    }

    public func get(_ text: String) async throws(Failure) -> Page {
        var target: OutboundTarget
        do {
            target = try await OutboundTarget.check(text, policy: policy, resolver: resolver, allowHTTP: allowHTTP)
        } catch {
            throw .refused(error)
        }
        for _ in 0...maxRedirects {
            let response = try await fetch(target)
            if (300..<400).contains(response.status), let location = response.location {
                do {
                    target = try await target.redirect(
                        to: location, policy: policy, resolver: resolver, allowHTTP: allowHTTP)
                } catch {
                    throw .refused(error)
                }
                continue
            }
            guard (200..<300).contains(response.status) else { throw .status(response.status, target.url) }
            return Page(url: target.url, contentType: response.contentType, body: response.body)
        }
        throw .tooManyRedirects(target.url)
    }

    struct Response {
        var status: Int
        var location: String?
        var contentType: String?
        var body: Data
    }

    /// One request to the pinned address, the host kept for the Host header and SNI.
    func fetch(
        _ target: OutboundTarget, method: HTTPMethod = .GET, headers: [(String, String)] = [], body: Data? = nil
    ) async throws(Failure) -> Response {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        // A refused connection is an answer: fail at once instead of retrying until the deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.dnsOverride =
            IPAddress(literal: target.host) == nil
            ? [target.host: target.address.description] : [:]
        configuration.timeout = .init(connect: timeout, read: timeout)
        var tls = TLSConfiguration.makeClientConfiguration()
        if case .roots(let roots) = trust {
            tls.trustRoots = .certificates(
                roots.compactMap { root in
                    var serializer = DER.Serializer()
                    guard (try? serializer.serialize(root)) != nil else { return nil }
                    return try? NIOSSLCertificate(bytes: serializer.serializedBytes, format: .der)
                })
        }
        configuration.tlsConfiguration = tls
        // One client per request: its DNS override pins this target's address. It is shut down before the answer
        // (or the failure) is handed back, so no connection outlives the check.
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let outcome: Result<Response, Failure>
        do {
            var request = HTTPClientRequest(url: target.url.absoluteString)
            request.method = method
            request.headers.add(name: "User-Agent", value: "sheen-preflight")
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
            let response = try await client.execute(request, timeout: timeout)
            let body = try await response.body.collect(upTo: maxBytes)
            outcome = .success(
                Response(
                    status: Int(response.status.code), location: response.headers.first(name: "Location"),
                    contentType: response.headers.first(name: "Content-Type"), body: Data(buffer: body)))
        } catch is NIOTooManyBytesError {
            outcome = .failure(.tooLarge(target.url, limit: maxBytes))
        } catch {
            outcome = .failure(.transport(target.url, "\(error)"))
        }
        try? await client.shutdown()
        return try outcome.get()
    }
}
