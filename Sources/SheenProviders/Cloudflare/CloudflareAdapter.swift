// swift-format-ignore-file: AlwaysUseLowerCamelCase
// Wire types spell fields as Cloudflare does.

import Foundation
import SheenEngine

/// Cloudflare's API v4: a Bearer API token, JSON bodies, and every answer in the envelope
/// `{"success", "errors": [{"code", "message"}], "messages", "result"}`.
struct CloudflareAPI: Sendable {
    let client: ProviderClient
    let zoneID: String?

    static func open(_ context: StepContext) async throws -> CloudflareAPI {
        let credentials = try await context.credentials()
        guard let token = credentials["api_token"] else {
            throw StepFailure(.invalid, message: "the Cloudflare connection has no api_token")
        }
        return CloudflareAPI(
            client: ProviderClient(
                provider: "cloudflare", base: try ProviderEndpoint.base(context, credentials: credentials),
                authorization: .bearer(token), readError: Self.readError),
            zoneID: credentials["zone_id"].flatMap { $0.isEmpty ? nil : $0 })
    }

    struct Envelope<Result: Decodable>: Decodable {
        struct Message: Decodable {
            var code: Int
            var message: String
        }
        var success: Bool
        var errors: [Message]
        var result: Result?
    }

    static func readError(_ response: ProviderResponse) -> String? {
        struct Nothing: Decodable {}
        guard let envelope = try? JSONDecoder().decode(Envelope<Nothing>.self, from: response.body),
            !envelope.errors.isEmpty
        else { return nil }
        return envelope.errors.map { "\($0.message) (\($0.code))" }.joined(separator: "; ")
    }

    /// Whether a refusal carries Cloudflare's error `code` (``readError`` writes each as `message (code)`).
    static func refused(_ failure: StepFailure, code: Int) -> Bool {
        guard case .http = failure.kind else { return false }
        return failure.message.contains("(\(code))")
    }

    func send<T: Decodable>(
        _ method: ProviderRequest.Method, _ path: String, query: [(String, String)] = [], body: Data? = nil,
        as type: T.Type
    ) async throws(StepFailure) -> T {
        let response = try await client.send(
            ProviderRequest(method, "/client/v4" + path, query: query, body: body.map { .json($0) } ?? .empty))
        let envelope = try response.decode(Envelope<T>.self, provider: "cloudflare")
        guard envelope.success, let result = envelope.result else {
            throw StepFailure(.invalid, message: "Cloudflare answered \(path) without a result")
        }
        return result
    }
}

struct CloudflareZone: Decodable {
    var id: String
    var name: String
    var status: String
    var name_servers: [String]?
}

struct CloudflareRecord: Codable, Equatable {
    struct CAAData: Codable, Equatable {
        var flags: Int
        var tag: String
        var value: String
    }
    var id: String?
    var type: String
    var name: String
    var content: String?
    var proxied: Bool?
    var data: CAAData?
    var comment: String?

    /// Whether `self`, as listed, is what `wanted` asks for.
    func satisfies(_ wanted: CloudflareRecord) -> Bool {
        guard type == wanted.type, name == wanted.name else { return false }
        if let data = wanted.data { return self.data?.tag == data.tag && self.data?.value == data.value }
        return content == wanted.content
    }

    /// As a person reads it in a DNS host: `TYPE name value`.
    var described: String {
        if let data { return "\(type) \(name) \(data.flags) \(data.tag) \"\(data.value)\"" }
        return "\(type) \(name) \(content ?? "")" + (proxied == true ? " (proxied)" : "")
    }
}

/// `cloudflare.verify-token`: Cloudflare's own token check, which needs no permission and changes nothing.
struct CloudflareVerifyTokenRunner: StepRunner {
    struct Token: Decodable {
        var id: String
        var status: String
    }

    func observe(_ context: StepContext) async throws -> StepResult? { try await create(context) }

    func create(_ context: StepContext) async throws -> StepResult {
        let token = try await CloudflareAPI.open(context).send(.get, "/user/tokens/verify", as: Token.self)
        guard token.status == "active" else {
            throw StepFailure(
                .invalid,
                message: "the Cloudflare API token is \(token.status): create an active one (My Profile → API Tokens)")
        }
        return StepResult(outputs: ["status": token.status])
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}
}

/// `cloudflare.dns-records`: in the zone that holds the project's domain, the records that let the site be served
/// over TLS: `www` as a proxied CNAME to the apex (Cloudflare then holds its certificate), and CAA records naming the
/// certificate authorities Cloudflare's Universal SSL uses, so a CAA policy elsewhere cannot block issuance. Records
/// Sheen adds carry the comment `managed by sheen`, so `observe` finds those an interrupted attempt made and
/// `sheen destroy` removes only them; a `www` record the owner already has is kept as it is.
struct CloudflareDNSRecordsRunner: StepRunner {
    static let marker = "managed by sheen"
    static let authorities = ["letsencrypt.org", "pki.goog"]

    static func wanted(_ domain: String) -> [CloudflareRecord] {
        [CloudflareRecord(type: "CNAME", name: "www.\(domain)", content: domain, proxied: true, comment: marker)]
            + authorities.map {
                CloudflareRecord(
                    type: "CAA", name: domain, data: .init(flags: 0, tag: "issue", value: $0), comment: marker)
            }
    }

    func observe(_ context: StepContext) async throws -> StepResult? {
        let api = try await CloudflareAPI.open(context)
        let domain = try Self.domain(context)
        let zone = try await Self.zone(api, domain: domain)
        let (found, missing) = try await Self.survey(api, zone: zone, domain: domain)
        return missing.isEmpty ? Self.result(zone: zone, found: found) : nil
    }

    func create(_ context: StepContext) async throws -> StepResult {
        let api = try await CloudflareAPI.open(context)
        let domain = try Self.domain(context)
        let zone = try await Self.zone(api, domain: domain)
        var (found, missing) = try await Self.survey(api, zone: zone, domain: domain)
        for record in missing {
            let body = (try? JSONEncoder().encode(record)) ?? Data()
            do {
                found.append(
                    try await api.send(
                        .post, "/zones/\(zone.id)/dns_records", body: body, as: CloudflareRecord.self))
            } catch {
                // 81057: the same record is there already (another run added it since the survey).
                guard CloudflareAPI.refused(error, code: 81057) else { throw error }
                found.append(record)
            }
        }
        return Self.result(zone: zone, found: found)
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    /// `sheen destroy` works from the journal's outputs: the zone and the records Sheen added.
    func delete(_ context: StepContext) async throws {
        guard let zone = context.previousOutputs["zone_id"] else { return }
        let ids = (context.previousOutputs["record_ids"] ?? "").split(separator: ",").map(String.init)
        let api = try await CloudflareAPI.open(context)
        struct Deleted: Decodable { var id: String }
        for id in ids {
            try await ProviderEndpoint.deleting {
                _ = try await api.send(.delete, "/zones/\(zone)/dns_records/\(id)", as: Deleted.self)
            }
        }
    }

    static func domain(_ context: StepContext) throws(StepFailure) -> String {
        guard let domain = context.inputs["domain"], !domain.isEmpty else {
            throw StepFailure(.invalid, message: "no domain for the DNS records: set domain in sheen.yaml")
        }
        return domain.lowercased()
    }

    /// The connection's zone when it names one (which must hold the domain), else the closest zone in the account
    /// whose name is the domain or one of its parents. A zone whose nameservers are not yet Cloudflare's waits.
    static func zone(_ api: CloudflareAPI, domain: String) async throws -> CloudflareZone {
        var zone: CloudflareZone?
        if let id = api.zoneID {
            let named = try await api.send(.get, "/zones/\(id)", as: CloudflareZone.self)
            guard domain == named.name || domain.hasSuffix(".\(named.name)") else {
                throw StepFailure(
                    .invalid,
                    message:
                        "the Cloudflare connection's zone_id is \(named.name), which does not hold \(domain): connect the zone of \(domain), or leave zone_id out to find it by name"
                )
            }
            zone = named
        } else {
            var labels = domain.split(separator: ".").map(String.init)
            while labels.count >= 2, zone == nil {
                let name = labels.joined(separator: ".")
                zone = try await api.send(.get, "/zones", query: [("name", name)], as: [CloudflareZone].self).first
                labels.removeFirst()
            }
        }
        guard let zone else {
            throw StepFailure(
                .invalid,
                message:
                    "Cloudflare has no zone for \(domain) in this account: add the site in Cloudflare's dashboard, or connect the account that holds it"
            )
        }
        guard zone.status == "active" else {
            let servers = (zone.name_servers ?? []).joined(separator: ", ")
            throw StepFailure(
                .waiting(
                    next: "set the nameservers of \(zone.name) at its registrar to \(servers), then run sheen apply"),
                message: "the Cloudflare zone \(zone.name) is \(zone.status)")
        }
        return zone
    }

    /// The wanted records already in the zone (Sheen's or the owner's), and those still missing.
    static func survey(
        _ api: CloudflareAPI, zone: CloudflareZone, domain: String
    ) async throws -> (found: [CloudflareRecord], missing: [CloudflareRecord]) {
        var found: [CloudflareRecord] = []
        var missing: [CloudflareRecord] = []
        var listed: [String: [CloudflareRecord]] = [:]
        for record in wanted(domain) {
            let key = "\(record.type) \(record.name)"
            if listed[key] == nil {
                listed[key] = try await api.send(
                    .get, "/zones/\(zone.id)/dns_records", query: [("type", record.type), ("name", record.name)],
                    as: [CloudflareRecord].self)
            }
            let same = listed[key] ?? []
            if let existing = same.first(where: { $0.satisfies(record) }) {
                found.append(existing)
            } else if record.type == "CNAME", let owners = try await hostRecords(api, zone: zone, name: record.name) {
                // The owner already serves www from somewhere: theirs to keep, not Sheen's to replace.
                found.append(owners)
            } else {
                missing.append(record)
            }
        }
        return (found, missing)
    }

    static func hostRecords(_ api: CloudflareAPI, zone: CloudflareZone, name: String) async throws -> CloudflareRecord?
    {
        try await api.send(.get, "/zones/\(zone.id)/dns_records", query: [("name", name)], as: [CloudflareRecord].self)
            .first { ["A", "AAAA", "CNAME"].contains($0.type) }
    }

    static func result(zone: CloudflareZone, found: [CloudflareRecord]) -> StepResult {
        let ours = found.filter { $0.comment == marker }.compactMap(\.id)
        return StepResult(
            outputs: [
                "zone_id": zone.id, "zone": zone.name, "records": found.map(\.described).joined(separator: "; "),
                "record_ids": ours.joined(separator: ","),
            ], externalID: zone.id)
    }
}

/// Cloudflare's step kinds and their runners.
public enum CloudflareAdapter {
    public static func register(into runners: inout RunnerRegistry) {
        runners.register(CloudflareVerifyTokenRunner(), for: "cloudflare.verify-token")
        runners.register(CloudflareDNSRecordsRunner(), for: "cloudflare.dns-records")
    }
}
