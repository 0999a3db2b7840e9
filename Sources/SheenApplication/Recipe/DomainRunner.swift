import Foundation
import SheenEngine

#if canImport(Glibc)
import Glibc
#endif

/// `recipe.domain`: checks that the project's domain resolves (never buys or registers one). A domain that does not
/// resolve yet waits on its owner to point DNS at the deployment; a project with no domain (the sandbox, a first
/// plan) has nothing to check and says so in its outputs.
struct DomainRunner: StepRunner {
    /// Looks a host up; the system resolver by default, a table in tests.
    var resolve: @Sendable (String) async -> [String] = DomainRunner.systemResolve

    func observe(_ context: StepContext) async throws -> StepResult? { try await create(context) }

    func create(_ context: StepContext) async throws -> StepResult {
        guard let domain = context.inputs["domain"], !domain.isEmpty else {
            return StepResult(outputs: ["domain": "", "status": "not-set"])
        }
        let addresses = await resolve(domain)
        guard !addresses.isEmpty else {
            throw StepFailure(
                .waiting(next: "point \(domain)'s DNS at your deployment (an A, AAAA or CNAME record)"),
                message: "\(domain) does not resolve yet")
        }
        return StepResult(outputs: [
            "domain": domain, "status": "resolves", "addresses": addresses.joined(separator: ","),
        ])
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}

    /// `getaddrinfo`, on a thread of its own: it blocks, and must not hold one of the few cooperative threads.
    static let systemResolve: @Sendable (String) async -> [String] = { host in
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: lookup(host)) }
        }
    }

    static func lookup(_ host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(
                entry.pointee.ai_addr, entry.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0,
                NI_NUMERICHOST) == 0
            {
                let address = String(cString: buffer)
                if !addresses.contains(address) { addresses.append(address) }
            }
            cursor = entry.pointee.ai_next
        }
        return addresses
    }
}
