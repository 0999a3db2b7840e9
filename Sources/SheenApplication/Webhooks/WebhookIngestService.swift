import Foundation
import SheenModel
import SheenSecrets
import SheenWebhooks
import Synchronization

/// Receiving a webhook: find the connection it is addressed to, verify it with that connection's signing secret,
/// normalise it, seal its raw body, and store it durably (deduplicated) before anyone acknowledges it.
public struct WebhookIngestService: Sendable {
    public enum Outcome: Sendable, Hashable {
        /// Stored (or recognised as a redelivery): answer 2xx.
        case accepted(IngestResult, type: String)
        /// Not genuine: answer 401 with the reason.
        case rejected(Rejection)
        /// No such connection for this project and environment: answer 404.
        case unknownConnection(String)
        /// The provider declares no webhooks, or the connection lacks its signing secret: answer 404 or 503.
        case notConfigured(LocalizedText)
    }

    public let project: String
    public let environment: DeploymentEnvironment
    public let connections: ConnectionService
    public let events: any EventStore
    public let verifier: WebhookVerifier
    public let now: @Sendable () -> Date
    private let secrets = SecretCache()

    public init(
        project: String, environment: DeploymentEnvironment, connections: ConnectionService, events: any EventStore,
        verifier: WebhookVerifier = WebhookVerifier(), now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.project = project
        self.environment = environment
        self.connections = connections
        self.events = events
        self.verifier = verifier
        self.now = now
    }

    public func receive(provider: String, alias: String, request: WebhookRequest) async throws -> Outcome {
        guard let manifest = connections.catalog.providers[provider], let webhooks = manifest.webhooks,
            let scheme = WebhookScheme(id: webhooks.scheme.rawValue)
        else {
            return .notConfigured(
                LocalizedText(
                    en: "\(provider) sends no webhooks Sheen knows", ar: "لا يرسل \(provider) إشعارات يعرفها شين"))
        }
        let reference = "\(provider)/\(alias)"
        guard let (connection, secret) = try await signingSecret(reference, field: webhooks.secretField) else {
            return .unknownConnection(reference)
        }
        guard let secret else {
            return .notConfigured(
                LocalizedText(
                    en:
                        "\(reference) has no \(webhooks.secretField ?? "signing secret"): run 'sheen connections rotate \(provider) --alias \(alias) --field \(webhooks.secretField ?? "webhook_secret")=@env:VAR'",
                    ar: "لا يملك \(reference) الحقل \(webhooks.secretField ?? "سر التوقيع")"))
        }
        let date = now()
        var checker = verifier
        checker.tolerance = webhooks.toleranceSeconds ?? verifier.tolerance
        let verdict = await checker.verify(request, scheme: scheme, secret: secret, now: date)
        guard case .genuine = verdict else {
            if case .rejected(let rejection) = verdict { return .rejected(rejection) }
            return .rejected(.noSignatureMatches)
        }
        let event = EventNormalizer.normalize(request, provider: provider, scheme: scheme)
        let sealed = try connections.envelope.seal(data: request.body, for: Self.bodyContext(connection, event: event))
        let headers = Redactor.redact(headers: request.headers.fields).map { ["name": $0.name, "value": $0.value] }
        let headerJSON = String(
            decoding: (try? JSONSerialization.data(withJSONObject: headers)) ?? Data("[]".utf8), as: UTF8.self)
        let result = try await events.ingest(
            IncomingDelivery(
                project: project, connection: reference, event: event, headers: headerJSON, body: sealed,
                receivedAt: date))
        return .accepted(result, type: event.type)
    }

    /// The raw body of a stored event, decrypted.
    public func body(of stored: StoredEvent, sealed: SealedSecret) async throws -> Data {
        guard let (connection, _) = try await signingSecret(stored.connection, field: nil) else {
            throw ConnectionError.notFound(reference: stored.connection, environment: environment, known: [])
        }
        return try connections.envelope.openData(sealed, for: Self.bodyContext(connection, event: stored.event))
    }

    static func bodyContext(_ connection: Connection, event: WebhookEvent) -> SecretContext {
        SecretContext(
            connectionID: connection.id, provider: connection.provider, environment: connection.environment.rawValue,
            field: "webhook-body:\(event.dedupKey)")
    }

    /// The connection and its signing secret, cached for a minute so a burst does not decrypt per delivery.
    private func signingSecret(_ reference: String, field: String?) async throws -> (Connection, String?)? {
        if let cached = secrets.value(reference, now: now()) { return cached }
        let all = try await connections.connections(project: project, declared: [])
        guard let connection = all.first(where: { $0.reference == reference && $0.environment == environment }) else {
            return nil
        }
        var secret: String?
        if let field { secret = try await connections.credentials(of: connection)[field] }
        secrets.store(reference, (connection, secret), now: now())
        return (connection, secret)
    }
}

/// Signing secrets in memory for a short while: a rotation takes effect within a minute.
final class SecretCache: Sendable {
    private let entries = Mutex<[String: (value: (Connection, String?), until: Date)]>([:])

    func value(_ key: String, now: Date) -> (Connection, String?)? {
        entries.withLock { entries in
            guard let entry = entries[key], entry.until > now else { return nil }
            return entry.value
        }
    }

    func store(_ key: String, _ value: (Connection, String?), now: Date) {
        entries.withLock { $0[key] = (value, now.addingTimeInterval(60)) }
    }
}
