import Foundation
import SheenChecks
import SheenEngine

/// `preflight.dns`: before anything is built on the project's domain, DNS must know the name. Asked through ldns (the
/// system's resolvers, or the server a run names: the sandbox's stand-in). A name DNS has never heard of (NXDOMAIN)
/// waits on its owner to register it; a name that exists but points nowhere yet passes here, and `recipe.domain`
/// waits for its records.
struct DNSPreflightRunner: StepRunner {
    var lookup = DNSLookup()

    func observe(_ context: StepContext) async throws -> StepResult? { try await create(context) }

    func create(_ context: StepContext) async throws -> StepResult {
        guard let domain = context.inputs["domain"], !domain.isEmpty else {
            throw StepFailure(.invalid, message: "no domain to check")
        }
        let answer: DNSLookup.Answer
        do {
            answer = try await lookup.query(domain, .a)
        } catch {
            // No DNS reachable is a transient failure: retried with backoff, like a 503.
            throw StepFailure(.http(status: 503, retryAfter: nil), message: "\(error)")
        }
        guard answer.rcode != "NXDOMAIN" else {
            throw StepFailure(
                .waiting(next: "register \(domain), or correct `domain:` in sheen.yaml"),
                message: "\(domain) does not exist in DNS (NXDOMAIN)")
        }
        return StepResult(outputs: [
            "domain": domain, "rcode": answer.rcode, "a": answer.records.joined(separator: ","),
        ])
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}
}
