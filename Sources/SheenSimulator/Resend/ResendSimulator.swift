import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SheenWebhooks

/// A local Resend API: `/domains` (create with the SPF and DKIM records to publish, verify, get, list, delete) and
/// `/webhooks` (create with a `whsec_` signing secret, get, list, delete), Bearer `re_…` keys, Resend's error body
/// `{"statusCode", "message", "name"}` and its documented limit of 2 requests a second with `retry-after` and
/// `ratelimit-*` headers. A domain asked to verify turns `verified` `verifyAfter` later (the sandbox's DNS), and its
/// `domain.updated` event is posted, signed the Standard Webhooks way, to each webhook that wants it.
public struct ResendSimulator: Sendable {
    public static let apiKey = "re_sheenResendSandbox0000000000"
    static let regions: Set<String> = ["us-east-1", "eu-west-1", "sa-east-1", "ap-northeast-1"]
    static let events: Set<String> = [
        "email.sent", "email.scheduled", "email.delivered", "email.delivery_delayed", "email.complained",
        "email.bounced", "email.opened", "email.clicked", "email.received", "email.failed", "email.suppressed",
        "contact.created", "contact.updated", "contact.deleted", "domain.created", "domain.updated", "domain.deleted",
        "suppression.added", "suppression.removed",
    ]

    public let store: SimulatorStore<ResendWorld>
    public let faults: Faults
    public let requests = RequestCounter()
    public let dispatcher: WebhookDispatcher
    public let verifyAfter: Duration
    public let now: @Sendable () -> Date

    public init(
        stateFile: String? = nil, faults: Faults = Faults(), dispatcher: WebhookDispatcher = WebhookDispatcher(),
        verifyAfter: Duration = .milliseconds(100), now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        store = try SimulatorStore(file: stateFile, initial: ResendWorld())
        self.faults = faults
        self.dispatcher = dispatcher
        self.verifyAfter = verifyAfter
        self.now = now
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("domains") { request, _ in
            let body = await SimulatorHTTP.body(request)
            return await handle(request) { key in try await createDomain(body, key: key) }
        }
        router.get("domains") { request, _ in
            await handle(request) { key in
                try await verifyDue()
                let mine = await store.read { $0.domains.values.filter { $0.key == key }.sorted { $0.id > $1.id } }
                let data = try mine.map { domain -> [String: any Sendable] in
                    var object = try Self.object(domain)
                    object["records"] = nil
                    object["object"] = nil
                    return object
                }
                return (200, try SimulatorHTTP.json(["object": "list", "has_more": false, "data": data]))
            }
        }
        router.get("domains/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await handle(request) { key in
                try await verifyDue()
                guard let domain = await store.read({ $0.domains[id] }), domain.key == key else {
                    throw ResendError.notFound("Domain")
                }
                return (200, try SimulatorHTTP.encoded(domain))
            }
        }
        router.post("domains/:id/verify") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await handle(request) { key in
                let date = now()
                try await store.mutate { world in
                    guard var domain = world.domains[id], domain.key == key else {
                        throw ResendError.notFound("Domain")
                    }
                    if domain.status != "verified" {
                        domain.status = "pending"
                        domain.verifyingSince = domain.verifyingSince ?? date
                        for index in domain.records.indices { domain.records[index].status = "pending" }
                        world.domains[id] = domain
                    }
                }
                return (200, try SimulatorHTTP.json(["object": "domain", "id": id]))
            }
        }
        router.delete("domains/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await handle(request) { key in
                try await remove(id, key: key, kind: "domain")
                return (200, try SimulatorHTTP.json(["object": "domain", "id": id, "deleted": true]))
            }
        }
        router.post("webhooks") { request, _ in
            let body = await SimulatorHTTP.body(request)
            return await handle(request) { key in try await createWebhook(body, key: key) }
        }
        router.get("webhooks") { request, _ in
            await handle(request) { key in
                let mine = await store.read { $0.webhooks.values.filter { $0.key == key }.sorted { $0.id > $1.id } }
                let data = try mine.map { webhook -> [String: any Sendable] in
                    var object = try Self.object(webhook)
                    // Only a single webhook's answer carries its secret.
                    object["signing_secret"] = nil
                    object["object"] = nil
                    return object
                }
                return (200, try SimulatorHTTP.json(["object": "list", "has_more": false, "data": data]))
            }
        }
        router.get("webhooks/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await handle(request) { key in
                guard let webhook = await store.read({ $0.webhooks[id] }), webhook.key == key else {
                    throw ResendError.notFound("Webhook")
                }
                return (200, try SimulatorHTTP.encoded(webhook))
            }
        }
        router.delete("webhooks/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await handle(request) { key in
                try await remove(id, key: key, kind: "webhook")
                return (200, try SimulatorHTTP.json(["object": "webhook", "id": id, "deleted": true]))
            }
        }
        return router
    }

    // MARK: Operations

    func createDomain(_ body: Data, key: String) async throws -> (Int, Data) {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            throw ResendError.validation("Invalid JSON body")
        }
        guard let name = object["name"] as? String, !name.isEmpty else { throw ResendError.missing("name") }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && $0.count <= 63 }), name.count <= 253,
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") })
        else { throw ResendError.validation("The `name` field must be a valid domain.") }
        let region = object["region"] as? String ?? "us-east-1"
        guard Self.regions.contains(region) else {
            throw ResendError(
                status: 422, name: "invalid_region",
                message: "Region must be one of \(Self.regions.sorted().joined(separator: ", ")).")
        }
        let date = now()
        let domain = try await store.mutate { world -> ResendWorld.Domain in
            guard !world.domains.values.contains(where: { $0.name == name.lowercased() && $0.key == key }) else {
                throw ResendError(
                    status: 403, name: "validation_error", message: "The domain \(name) is already registered.")
            }
            let id = world.newID()
            let selector = "resend._domainkey"
            let domain = ResendWorld.Domain(
                id: id, name: name.lowercased(), status: "not_started",
                created_at: Self.timestamp(date), region: region,
                records: [
                    .init(
                        record: "SPF", name: "send", value: "feedback-smtp.\(region).amazonses.com", type: "MX",
                        status: "not_started", priority: 10),
                    .init(
                        record: "SPF", name: "send", value: "\"v=spf1 include:amazonses.com ~all\"", type: "TXT",
                        status: "not_started"),
                    .init(
                        record: "DKIM", name: selector,
                        value: "p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDsim\(id.suffix(6))",
                        type: "TXT", status: "not_started"),
                ], key: key)
            world.domains[id] = domain
            world.record("domain.created", id, key: name, at: date)
            return domain
        }
        try await faults.afterCommit(path: "/domains")
        var answer = try Self.object(domain)
        answer["object"] = nil
        return (201, try SimulatorHTTP.json(answer))
    }

    func createWebhook(_ body: Data, key: String) async throws -> (Int, Data) {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            throw ResendError.validation("Invalid JSON body")
        }
        guard let endpoint = object["endpoint"] as? String, !endpoint.isEmpty else {
            throw ResendError.missing("endpoint")
        }
        guard let url = URLComponents(string: endpoint), url.host != nil, ["http", "https"].contains(url.scheme) else {
            throw ResendError.validation("The `endpoint` field must be a valid URL.")
        }
        guard let events = object["events"] as? [String], !events.isEmpty else { throw ResendError.missing("events") }
        if let unknown = events.first(where: { !Self.events.contains($0) }) {
            throw ResendError.validation("Invalid event `\(unknown)`.")
        }
        let date = now()
        let webhook = try await store.mutate { world -> ResendWorld.Webhook in
            let webhook = ResendWorld.Webhook(
                id: world.newID(), created_at: Self.timestamp(date), endpoint: endpoint, events: events,
                signing_secret: "whsec_" + Data(SimulatorHTTP.token(32).utf8).base64EncodedString(), key: key)
            world.webhooks[webhook.id] = webhook
            world.record("webhook.created", webhook.id, key: endpoint, at: date)
            return webhook
        }
        try await faults.afterCommit(path: "/webhooks")
        return (
            201,
            try SimulatorHTTP.json(["object": "webhook", "id": webhook.id, "signing_secret": webhook.signing_secret])
        )
    }

    func remove(_ id: String, key: String, kind: String) async throws {
        let date = now()
        try await store.mutate { world in
            switch kind {
            case "domain":
                guard world.domains[id]?.key == key else { throw ResendError.notFound("Domain") }
                world.domains[id] = nil
            default:
                guard world.webhooks[id]?.key == key else { throw ResendError.notFound("Webhook") }
                world.webhooks[id] = nil
            }
            world.record("\(kind).deleted", id, at: date)
        }
    }

    /// Verifies every domain whose records have had `verifyAfter` to "propagate", then posts `domain.updated`.
    func verifyDue() async throws {
        let date = now()
        let verified = try await store.mutate { world -> [ResendWorld.Domain] in
            var done: [ResendWorld.Domain] = []
            for (id, domain) in world.domains where domain.status == "pending" {
                guard let since = domain.verifyingSince, date.timeIntervalSince(since) >= verifyAfter.seconds else {
                    continue
                }
                var ready = domain
                ready.status = "verified"
                for index in ready.records.indices { ready.records[index].status = "verified" }
                world.domains[id] = ready
                world.record("domain.verified", id, key: domain.name, at: date)
                done.append(ready)
            }
            return done
        }
        for domain in verified { await notify(domain, at: date) }
    }

    /// `domain.updated` to each of the account's webhooks that asked for it.
    func notify(_ domain: ResendWorld.Domain, at date: Date) async {
        let hooks = await store.read { world in
            world.webhooks.values.filter { $0.key == domain.key && ($0.events ?? []).contains("domain.updated") }
        }
        guard var data = try? Self.object(domain) else { return }
        data["object"] = nil
        let event: [String: any Sendable] = [
            "type": "domain.updated", "created_at": Self.timestamp(date), "data": data,
        ]
        guard let body = try? SimulatorHTTP.json(event) else { return }
        for hook in hooks {
            dispatcher.deliver(
                body, to: hook.endpoint, scheme: .standardWebhooks, secret: hook.signing_secret, faults: faults.plan,
                ledger: store, id: domain.id, key: "domain.updated", now: now)
        }
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    static func object(_ value: some Encodable) throws -> [String: any Sendable] {
        (try JSONSerialization.jsonObject(with: SimulatorHTTP.encoded(value)) as? [String: any Sendable]) ?? [:]
    }

    // MARK: Plumbing

    /// Faults, Resend's documented 2 requests a second (answered with `retry-after`), the Bearer `re_` key.
    func handle(_ request: Request, _ operation: @Sendable (String) async throws -> (Int, Data)) async -> Response {
        switch await SimulatorHTTP.prelude(faults, requests, documentedRate: 2) {
        case .rateLimited(let retryAfter):
            var response = ResendError.rateLimited.response
            for (name, value) in [
                ("retry-after", String(retryAfter ?? 1)), ("ratelimit-limit", "2"), ("ratelimit-remaining", "0"),
                ("ratelimit-reset", String(retryAfter ?? 1)),
            ] {
                if let field = HTTPField.Name(name) { response.headers[field] = value }
            }
            return response
        case .dropped: return SimulatorHTTP.dropped()
        case .serverError: return ResendError.serverError.response
        case nil: break
        }
        guard let key = SimulatorHTTP.bearer(request), !key.isEmpty else { return ResendError.missingKey.response }
        guard key.hasPrefix("re_"), key.count >= 12 else { return ResendError.invalidKey.response }
        do {
            let (status, body) = try await operation(key)
            return SimulatorHTTP.response(status, body)
        } catch let error as ResendError {
            return error.response
        } catch is ConnectionDrop {
            return SimulatorHTTP.dropped()
        } catch {
            return ResendError.serverError.response
        }
    }
}

/// Resend's error body, `{"statusCode", "message", "name"}` (resend-node `src/interfaces.ts`, `ErrorResponse`).
struct ResendError: Error, Sendable {
    var status: Int
    var name: String
    var message: String

    var response: Response {
        let body: [String: any Sendable] = ["statusCode": status, "message": message, "name": name]
        return SimulatorHTTP.response(status, (try? SimulatorHTTP.json(body)) ?? Data())
    }

    static func validation(_ message: String) -> ResendError {
        ResendError(status: 422, name: "validation_error", message: message)
    }
    static func missing(_ field: String) -> ResendError {
        ResendError(status: 422, name: "missing_required_field", message: "Missing `\(field)` field.")
    }
    static func notFound(_ what: String) -> ResendError {
        ResendError(status: 404, name: "not_found", message: "\(what) not found")
    }
    static let missingKey = ResendError(
        status: 401, name: "missing_api_key",
        message:
            "Missing API key in the authorization header. Include the following header in the request: Authorization: Bearer YOUR_API_KEY"
    )
    static let invalidKey = ResendError(status: 403, name: "invalid_api_key", message: "API key is invalid")
    static let rateLimited = ResendError(
        status: 429, name: "rate_limit_exceeded",
        message:
            "Too many requests. You can only make 2 requests per second. See rate limit response headers for more information. Or contact support to increase rate limit."
    )
    static let serverError = ResendError(
        status: 500, name: "internal_server_error", message: "An unexpected error occurred.")
}
