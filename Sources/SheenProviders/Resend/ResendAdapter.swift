import Foundation
import SheenEngine
import SheenModel

/// `resend.verify-key`: listing domains needs a full-access key and changes nothing.
struct ResendVerifyKeyRunner: StepRunner {
    func observe(_ context: StepContext) async throws -> StepResult? { try await create(context) }

    func create(_ context: StepContext) async throws -> StepResult {
        let domains = try await ResendAPI.open(context).get("/domains", as: ResendList<ResendDomain>.self)
        return StepResult(outputs: ["domains": String(domains.data.count)])
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}
}

/// `resend.domain`: adds the project's domain as a sending domain and asks Resend to verify it. The records Resend
/// asks for are the step's `dns_records` output (`sheen state show` prints them); until they are published and
/// seen, the step waits, naming them. Resend lists domains by name, so a crash after adding is found by `observe`.
struct ResendDomainRunner: StepRunner {
    var budget: Duration = .seconds(30)
    /// Resend allows 2 requests a second per team, and DNS takes minutes anyway.
    var interval: Duration = .seconds(1)

    func observe(_ context: StepContext) async throws -> StepResult? {
        let name = try Self.domain(context)
        let api = try await ResendAPI.open(context)
        guard
            let listed = try await api.get("/domains", as: ResendList<ResendDomain>.self).data.first(where: {
                $0.name == name
            })
        else { return nil }
        return try await settle(api.get("/domains/\(listed.id)", as: ResendDomain.self), api: api, context: context)
    }

    func create(_ context: StepContext) async throws -> StepResult {
        let name = try Self.domain(context)
        let api = try await ResendAPI.open(context)
        let domain: ResendDomain
        do {
            domain = try await api.post(
                "/domains", ["name": name, "region": Self.region(context)], as: ResendDomain.self)
        } catch {
            // The account already sends from it (another environment of the project added it): use that one.
            guard error.message.contains("already registered"), let found = try await observe(context) else {
                throw error
            }
            return found
        }
        return try await settle(domain, api: api, context: context)
    }

    func update(_ context: StepContext) async throws -> StepResult {
        guard let found = try await observe(context) else { return try await create(context) }
        return found
    }

    func delete(_ context: StepContext) async throws {
        guard let id = context.externalID else { return }
        try await ProviderEndpoint.deleting { try await ResendAPI.open(context).delete("/domains/\(id)") }
    }

    /// Asks for verification when it has not started, then polls within the budget.
    func settle(_ domain: ResendDomain, api: ResendAPI, context: StepContext) async throws -> StepResult {
        if domain.status == "not_started" || domain.status == "failed" {
            struct Verified: Decodable { var id: String }
            _ = try await api.post("/domains/\(domain.id)/verify", [:], as: Verified.self)
        }
        let records = Self.describe(domain.records ?? [])
        var latest = domain
        let verified = try await Polling.until(context, budget: budget, every: interval) {
            () async throws -> ResendDomain? in
            if latest.status == "verified" { return latest }
            latest = try await api.get("/domains/\(domain.id)", as: ResendDomain.self)
            return latest.status == "verified" ? latest : nil
        }
        guard verified != nil else {
            throw StepFailure(
                .waiting(next: "publish these DNS records for \(domain.name), then run sheen apply: \(records)"),
                message: "Resend has not yet seen the DNS records of \(domain.name) (status \(latest.status))")
        }
        return StepResult(
            outputs: ["domain_id": domain.id, "domain": domain.name, "status": "verified", "dns_records": records],
            externalID: domain.id)
    }

    static func domain(_ context: StepContext) throws(StepFailure) -> String {
        guard let domain = context.inputs["domain"], !domain.isEmpty else {
            throw StepFailure(.invalid, message: "no domain to send email from: set domain in sheen.yaml")
        }
        return domain
    }

    /// Resend's region nearest the project's first market: Europe for the Middle East and Africa.
    static func region(_ context: StepContext) -> String {
        let first = context.inputs["markets"]?.split(separator: ",").first.map(String.init) ?? ""
        switch first {
        case "US", "CA", "MX": return "us-east-1"
        case "BR", "AR", "CL", "CO": return "sa-east-1"
        case "JP", "KR", "SG", "AU", "IN": return "ap-northeast-1"
        default: return "eu-west-1"
        }
    }

    /// The records as a person types them into a DNS host: `TYPE name value [priority]`, `; `-separated.
    static func describe(_ records: [ResendDomain.Record]) -> String {
        records.map { record in
            "\(record.type) \(record.name) \(record.value)" + (record.priority.map { " \($0)" } ?? "")
        }.joined(separator: "; ")
    }
}

/// `resend.webhook`: registers the receiver URL for the email events and seals the signing secret into the
/// connection. A single webhook's answer carries its secret, so `observe` adopts an endpoint an interrupted attempt
/// made, and saves the secret it missed.
struct ResendWebhookRunner: StepRunner {
    let events: [String]
    let secretField: String

    func observe(_ context: StepContext) async throws -> StepResult? {
        let url = try ProviderEndpoint.webhookURL(context, provider: "Resend")
        let api = try await ResendAPI.open(context)
        guard
            let listed = try await api.get("/webhooks", as: ResendList<ResendWebhook>.self).data.first(where: {
                $0.endpoint == url
            })
        else { return nil }
        let webhook = try await api.get("/webhooks/\(listed.id)", as: ResendWebhook.self)
        if let secret = webhook.signing_secret, try await context.credentials()[secretField] != secret {
            try await context.credentials.save(secretField, secret)
        }
        return StepResult(outputs: ["webhook_id": webhook.id, "url": url], externalID: webhook.id)
    }

    func create(_ context: StepContext) async throws -> StepResult {
        let url = try ProviderEndpoint.webhookURL(context, provider: "Resend")
        let api = try await ResendAPI.open(context)
        let webhook = try await api.post("/webhooks", ["endpoint": url, "events": events], as: ResendWebhook.self)
        guard let secret = webhook.signing_secret else {
            throw StepFailure(.invalid, message: "Resend created webhook \(webhook.id) without its signing secret")
        }
        try await context.credentials.save(secretField, secret)
        return StepResult(outputs: ["webhook_id": webhook.id, "url": url], externalID: webhook.id)
    }

    /// A new URL is a new endpoint; the old one is removed once the new one holds.
    func update(_ context: StepContext) async throws -> StepResult {
        let result = try await create(context)
        if let old = context.externalID, old != result.externalID { try await delete(context) }
        return result
    }

    func delete(_ context: StepContext) async throws {
        guard let id = context.externalID else { return }
        try await ProviderEndpoint.deleting { try await ResendAPI.open(context).delete("/webhooks/\(id)") }
    }
}

/// Resend's step kinds and their runners.
public enum ResendAdapter {
    public static func register(into runners: inout RunnerRegistry, manifest: ProviderManifest) {
        runners.register(ResendVerifyKeyRunner(), for: "resend.verify-key")
        runners.register(ResendDomainRunner(), for: "resend.domain")
        runners.register(
            ResendWebhookRunner(
                events: (manifest.webhooks?.events ?? ["email.delivered"]) + ["domain.updated"],
                secretField: manifest.webhooks?.secretField ?? "webhook_secret"),
            for: "resend.webhook")
    }
}
