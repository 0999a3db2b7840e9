import Foundation

/// Resolves a host name to its addresses (A and AAAA); injected so tests answer as a rebinding DNS server would.
public protocol HostResolver: Sendable {
    func addresses(of host: String) async throws -> [IPAddress]
}

/// The system's resolver (`getaddrinfo`), for A and AAAA answers.
public struct SystemResolver: HostResolver {
    public init() {}

    public func addresses(of host: String) async throws -> [IPAddress] {
        try await Task.detached {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var list: UnsafeMutablePointer<addrinfo>?
            let status = getaddrinfo(host, nil, &hints, &list)
            guard status == 0, let first = list else { throw OutboundRefusal.unresolvable(host: host) }
            defer { freeaddrinfo(first) }
            var found: [IPAddress] = []
            var cursor: UnsafeMutablePointer<addrinfo>? = first
            while let entry = cursor {
                if let raw = entry.pointee.ai_addr {
                    if entry.pointee.ai_family == AF_INET {
                        let value = raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                            UInt32(bigEndian: $0.pointee.sin_addr.s_addr)
                        }
                        found.append(.v4(value))
                    } else if entry.pointee.ai_family == AF_INET6 {
                        let bytes = raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                            withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
                        }
                        found.append(.v6(bytes))
                    }
                }
                cursor = entry.pointee.ai_next
            }
            var unique: [IPAddress] = []
            for address in found where !unique.contains(address) { unique.append(address) }
            return unique
        }.value
    }
}

/// Why an outbound call to a user-supplied URL was not made.
public enum OutboundRefusal: Error, Sendable, Equatable {
    case notAURL(String)
    case scheme(String)
    case blockedAddress(host: String, address: String, range: String)
    case unresolvable(host: String)

    public var message: String {
        switch self {
        case .notAURL(let text): "'\(text)' is not an absolute http(s) URL"
        case .scheme(let scheme): "'\(scheme)://' is not allowed here: only https (http only in the sandbox)"
        case .blockedAddress(let host, let address, let range):
            host == address
                ? "\(address) is a \(range) address, which checks never reach"
                : "\(host) resolves only to special addresses (\(address): \(range)), which checks never reach"
        case .unresolvable(let host): "\(host) does not resolve"
        }
    }
}

/// Where a checked call may go: the URL's host resolved once, every answer judged by the policy, and the first
/// allowed address pinned. The connection is made to ``address`` (with ``host`` for TLS's server name and the
/// `Host` header), never by resolving again, so a DNS answer that changes between check and connect (rebinding)
/// cannot steer it. Each redirect is a new target, checked the same way.
public struct OutboundTarget: Sendable, Equatable {
    public let url: URL
    public let host: String
    public let port: Int
    public let address: IPAddress

    /// Checks `text` and pins its address.
    public static func check(
        _ text: String, policy: AddressPolicy, resolver: any HostResolver, allowHTTP: Bool = false
    ) async throws(OutboundRefusal) -> OutboundTarget {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased() else { throw .notAURL(text) }
        guard scheme == "https" || (scheme == "http" && allowHTTP) else { throw .scheme(scheme) }
        guard let host = url.host, !host.isEmpty else { throw .notAURL(text) }
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        if let literal = IPAddress(literal: host) {
            if let range = policy.refusal(literal) {
                throw .blockedAddress(host: host, address: literal.canonical.description, range: range)
            }
            return OutboundTarget(url: url, host: host, port: port, address: literal)
        }
        let answers: [IPAddress]
        do {
            answers = try await resolver.addresses(of: host)
        } catch {
            throw .unresolvable(host: host)
        }
        guard !answers.isEmpty else { throw .unresolvable(host: host) }
        guard let allowed = answers.first(where: { policy.refusal($0) == nil }) else {
            let first = answers[0]
            throw .blockedAddress(
                host: host, address: first.canonical.description, range: policy.refusal(first) ?? "special")
        }
        return OutboundTarget(url: url, host: host, port: port, address: allowed)
    }

    /// A redirect from this target to `location` (absolute or relative): checked as a new target; an https page
    /// never redirects to http.
    public func redirect(
        to location: String, policy: AddressPolicy, resolver: any HostResolver, allowHTTP: Bool = false
    ) async throws(OutboundRefusal) -> OutboundTarget {
        guard let next = URL(string: location, relativeTo: url)?.absoluteURL else { throw .notAURL(location) }
        let downgrade = url.scheme?.lowercased() == "https" && next.scheme?.lowercased() == "http"
        return try await Self.check(
            next.absoluteString, policy: policy, resolver: resolver, allowHTTP: allowHTTP && !downgrade)
    }
}
