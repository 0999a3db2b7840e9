import SheenModel

/// Stable JSON shapes for `sheen providers`.
enum ProviderJSON {
    struct List: Encodable {
        let formatVersion = 1
        let providers: [Summary]

        enum CodingKeys: String, CodingKey {
            case formatVersion = "format_version"
            case providers
        }
    }

    struct Summary: Encodable {
        let id: String
        let name: LocalizedText
        let category: String
        let status: String
        let statusReason: LocalizedText?
        let markets: [String]
        let currencies: [String]
        let capabilities: [String]
        let paymentMethods: [String]

        init(_ provider: ProviderManifest) {
            id = provider.id
            name = provider.name
            category = provider.category.rawValue
            status = provider.status.rawValue
            statusReason = provider.statusReason
            markets = provider.markets.map(\.rawValue)
            currencies = provider.currencies.map(\.rawValue)
            capabilities = provider.capabilities.map(\.rawValue)
            paymentMethods = provider.paymentMethods.map(\.id)
        }

        enum CodingKeys: String, CodingKey {
            case id, name, category, status, markets, currencies, capabilities
            case statusReason = "status_reason"
            case paymentMethods = "payment_methods"
        }
    }

    struct Detail: Encodable {
        struct Method: Encodable {
            let id: String
            let providerRef: String?
            let markets: [String]
            let currencies: [String]

            enum CodingKeys: String, CodingKey {
                case id, markets, currencies
                case providerRef = "provider_ref"
            }
        }

        struct Credential: Encodable {
            let name: String
            let secret: Bool
            let optional: Bool
            let label: LocalizedText
            let patterns: [String: String]
        }

        struct Limit: Encodable {
            let requests: Int
            let perSeconds: Double
            let burst: Int
            let scope: String
            let environments: [String]
            let endpoint: String?
            let confirmed: Bool

            enum CodingKeys: String, CodingKey {
                case requests, burst, scope, environments, endpoint, confirmed
                case perSeconds = "per_seconds"
            }
        }

        struct Step: Encodable {
            let id: String
            let kind: String
            let dependsOn: [String]
            let evidences: [String]

            enum CodingKeys: String, CodingKey {
                case id, kind, evidences
                case dependsOn = "depends_on"
            }
        }

        let formatVersion = 1
        let summary: Summary
        let baseURLs: [String: String]
        let paymentMethods: [Method]
        let credentials: [Credential]
        let rateLimits: [Limit]
        let idempotencyHeader: String?
        let idempotencyBodyField: String?
        let marketBaseURLs: [String: String]
        let capabilityNotes: [String: LocalizedText]
        let webhookScheme: String?
        let webhookEvents: [String]
        let provisioning: [Step]

        init(_ provider: ProviderManifest) {
            summary = Summary(provider)
            baseURLs = Dictionary(uniqueKeysWithValues: provider.baseURLs.map { ($0.key.rawValue, $0.value) })
            paymentMethods = provider.paymentMethods.map {
                Method(
                    id: $0.id, providerRef: $0.providerReference, markets: $0.markets.map(\.rawValue),
                    currencies: $0.currencies.map(\.rawValue))
            }
            credentials = provider.auth.credentials.map {
                Credential(
                    name: $0.name, secret: $0.secret, optional: $0.optional, label: $0.label,
                    patterns: Dictionary(uniqueKeysWithValues: $0.patterns.map { ($0.key.rawValue, $0.value) }))
            }
            rateLimits = provider.rateLimits.map {
                Limit(
                    requests: $0.requests, perSeconds: $0.perSeconds, burst: $0.burst, scope: $0.scope.rawValue,
                    environments: $0.environments.map(\.rawValue), endpoint: $0.endpoint, confirmed: $0.confirmed)
            }
            switch provider.idempotency {
            case .header(let name, _, _): (idempotencyHeader, idempotencyBodyField) = (name, nil)
            case .bodyField(let path, _): (idempotencyHeader, idempotencyBodyField) = (nil, path)
            case .observeBeforeCreate: (idempotencyHeader, idempotencyBodyField) = (nil, nil)
            }
            marketBaseURLs = Dictionary(
                uniqueKeysWithValues: provider.marketBaseURLs.map { ($0.key.rawValue, $0.value) })
            capabilityNotes = Dictionary(
                uniqueKeysWithValues: provider.capabilityNotes.map { ($0.key.rawValue, $0.value) })
            webhookScheme = provider.webhooks?.scheme.rawValue
            webhookEvents = provider.webhooks?.events ?? []
            provisioning = provider.provisioning.map {
                Step(id: $0.id, kind: $0.kind, dependsOn: $0.dependsOn.map(\.id), evidences: $0.evidences.map(\.id))
            }
        }

        enum CodingKeys: String, CodingKey {
            case formatVersion = "format_version"
            case summary = "provider"
            case baseURLs = "base_urls"
            case paymentMethods = "payment_methods"
            case credentials
            case rateLimits = "rate_limits"
            case idempotencyHeader = "idempotency_header"
            case idempotencyBodyField = "idempotency_body_field"
            case marketBaseURLs = "market_base_urls"
            case capabilityNotes = "capability_notes"
            case webhookScheme = "webhook_scheme"
            case webhookEvents = "webhook_events"
            case provisioning
        }
    }
}
