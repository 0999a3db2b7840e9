import Foundation
import SheenApplication
import SheenCatalog
import SheenModel
import SheenSecrets
import SheenStore
import Testing

@Suite("Connections use case")
struct ConnectionServiceTests {
    static let catalog = ApplyServiceTests.shipped

    struct Reader: CredentialReader {
        var variables: [String: String] = [:]
        var files: [String: String] = [:]
        var input: String?
        var terminal: [String: String]?

        func environmentVariable(_ name: String) -> String? { variables[name] }
        func contents(ofFile path: String) throws -> String {
            guard let text = files[path] else { throw CocoaError(.fileNoSuchFile) }
            return text
        }
        func standardInput() throws -> String { input ?? "" }
        func prompt(_ label: String) -> String? { terminal?[label] }
    }

    static func service(_ store: SQLiteStateStore? = nil) throws -> (ConnectionService, SQLiteStateStore) {
        let store = try store ?? SQLiteStateStore.inMemory()
        let keys = try #require(
            try EnvironmentKeyProvider(environment: [
                "SHEEN_MASTER_KEY": Data(repeating: 3, count: 32).base64EncodedString()
            ]))
        return (ConnectionService(store: store, keys: keys, catalog: catalog), store)
    }

    static func market(_ code: String) throws -> CountryCode { try #require(CountryCode(rawValue: code)) }

    @Test("two Tap connections, one per entity, and test and live Stripe connections coexist")
    func coexist() async throws {
        let (service, _) = try Self.service()
        let reader = Reader(variables: [
            "TAP_SA": "sk_test_sa_123456", "TAP_EG": "sk_test_eg_123456", "STRIPE_TEST": "sk_test_abcdef",
            "STRIPE_LIVE": "sk_live_abcdef",
        ])
        _ = try await service.connect(
            ConnectRequest(
                project: "souq", provider: "tap", environment: .dev, alias: "sa-entity",
                markets: [try Self.market("SA")],
                fields: ["secret_key": .environment("TAP_SA"), "public_key": .literal("pk_test_sa")]), reader: reader)
        _ = try await service.connect(
            ConnectRequest(
                project: "souq", provider: "tap", environment: .dev, alias: "eg-entity",
                markets: [try Self.market("EG")],
                fields: ["secret_key": .environment("TAP_EG"), "public_key": .literal("pk_test_eg")]), reader: reader)
        _ = try await service.connect(
            ConnectRequest(
                project: "souq", provider: "stripe", environment: .dev,
                fields: ["secret_key": .environment("STRIPE_TEST"), "publishable_key": .literal("pk_test_1")]),
            reader: reader)
        _ = try await service.connect(
            ConnectRequest(
                project: "souq", provider: "stripe", environment: .prod,
                fields: ["secret_key": .environment("STRIPE_LIVE"), "publishable_key": .literal("pk_live_1")]),
            reader: reader)
        let listed = try await service.list(project: "souq")
        #expect(
            listed.map { "\($0.connection.reference)@\($0.connection.environment.rawValue)" }.sorted() == [
                "stripe/default@dev", "stripe/default@prod", "tap/eg-entity@dev", "tap/sa-entity@dev",
            ])
        let sa = try await service.find(project: "souq", provider: "tap", alias: "sa-entity", environment: nil)
        #expect(try await service.credentials(of: sa.connection)["secret_key"] == "sk_test_sa_123456")
        #expect(sa.connection.fields == ["public_key": "pk_test_sa"])
        #expect(sa.secrets.map(\.field) == ["secret_key"])
        #expect(sa.secrets.first?.fingerprint.count == 12)
        await #expect(throws: ConnectionError.ambiguous(reference: "stripe/default", environments: [.dev, .prod])) {
            _ = try await service.find(project: "souq", provider: "stripe", environment: nil)
        }
    }

    @Test("a live key offered for dev is refused, named as a prod key, with the manifest's hint")
    func liveKeyForDev() async throws {
        let (service, _) = try Self.service()
        let reader = Reader(variables: ["K": "sk_live_abcdef"])
        do {
            _ = try await service.connect(
                ConnectRequest(
                    project: "souq", provider: "stripe", environment: .dev,
                    fields: ["secret_key": .environment("K"), "publishable_key": .literal("pk_test_1")]),
                reader: reader)
            Issue.record("a live key was accepted for dev")
        } catch {
            guard case .patternMismatch(let field, .dev, _, .prod, let hint) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(field == "secret_key")
            #expect(hint != nil)
            #expect(!error.message.en.contains("sk_live_abcdef"))
            #expect(error.message.en.contains("looks like a prod key"))
        }
    }

    @Test("a secret written on the command line is refused; unknown and missing fields are named")
    func fieldRules() async throws {
        let (service, _) = try Self.service()
        await #expect(throws: ConnectionError.secretOnCommandLine(field: "secret_key")) {
            _ = try await service.connect(
                ConnectRequest(
                    project: "p", provider: "tap", environment: .dev, fields: ["secret_key": .literal("sk_test_x")]),
                reader: Reader())
        }
        do {
            _ = try await service.connect(
                ConnectRequest(
                    project: "p", provider: "tap", environment: .dev, fields: ["secret_kye": .environment("X")]),
                reader: Reader())
            Issue.record("an unknown field was accepted")
        } catch {
            #expect(
                error
                    == .unknownField(
                        provider: "tap", field: "secret_kye", suggestion: "secret_key",
                        known: ["secret_key", "public_key"]))
        }
        do {
            _ = try await service.connect(
                ConnectRequest(
                    project: "p", provider: "auth0", environment: .dev, fields: ["client_id": .literal("abc")]),
                reader: Reader())
            Issue.record("missing fields were accepted")
        } catch {
            guard case .missingFields(_, let fields) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(fields.map(\.name) == ["domain", "client_secret"])
        }
        // On a terminal the missing values are asked for.
        let asked = Reader(terminal: ["Tenant domain": "acme.eu.auth0.com", "Client secret": "s3cret-value"])
        let made = try await service.connect(
            ConnectRequest(project: "p", provider: "auth0", environment: .dev, fields: ["client_id": .literal("abc")]),
            reader: asked)
        #expect(made.connection.fields == ["client_id": "abc", "domain": "acme.eu.auth0.com"])
    }

    @Test("only a sandbox connection may override base URLs, and only to loopback; names are unique per environment")
    func sandboxRules() async throws {
        let (service, _) = try Self.service()
        let reader = Reader(variables: ["K": "sk_test_simulator"])
        let fields: [String: CredentialInput] = [
            "secret_key": .environment("K"), "publishable_key": .literal("pk_test_1"),
        ]
        await #expect(throws: ConnectionError.baseURLOnRealConnection) {
            _ = try await service.connect(
                ConnectRequest(
                    project: "p", provider: "stripe", environment: .dev, baseURL: "http://127.0.0.1:4010",
                    fields: fields),
                reader: reader)
        }
        await #expect(throws: ConnectionError.baseURLNotLoopback("https://evil.example.com")) {
            _ = try await service.connect(
                ConnectRequest(
                    project: "p", provider: "stripe", environment: .dev, sandbox: true,
                    baseURL: "https://evil.example.com",
                    fields: fields), reader: reader)
        }
        _ = try await service.connect(
            ConnectRequest(
                project: "p", provider: "stripe", environment: .dev, sandbox: true, baseURL: "http://127.0.0.1:4010",
                fields: fields), reader: reader)
        await #expect(throws: ConnectionError.exists(reference: "stripe/default", environment: .dev, sandbox: true)) {
            _ = try await service.connect(
                ConnectRequest(project: "p", provider: "stripe", environment: .dev, fields: fields), reader: reader)
        }
    }

    @Test("a rotation keeps the old credential until the new one verifies")
    func rotation() async throws {
        let (service, _) = try Self.service()
        let reader = Reader(variables: ["OLD": "sk_test_old_value", "NEW": "sk_test_new_value"])
        _ = try await service.connect(
            ConnectRequest(
                project: "p", provider: "stripe", environment: .dev,
                fields: ["secret_key": .environment("OLD"), "publishable_key": .literal("pk_test_1")]),
            reader: reader)
        await #expect(throws: ConnectionError.self) {
            _ = try await service.rotate(
                project: "p", provider: "stripe", environment: .dev, fields: ["secret_key": .environment("NEW")],
                reader: reader, verify: { _, _ in LocalizedText(en: "401 from the provider", ar: "401 من المزوّد") })
        }
        var found = try await service.find(project: "p", provider: "stripe", environment: .dev)
        #expect(try await service.credentials(of: found.connection)["secret_key"] == "sk_test_old_value")
        #expect(found.secrets.allSatisfy { !$0.pending })
        let old = found.secrets.first?.fingerprint
        _ = try await service.rotate(
            project: "p", provider: "stripe", environment: .dev, fields: ["secret_key": .environment("NEW")],
            reader: reader,
            verify: { _, values in
                values["secret_key"] == "sk_test_new_value" ? nil : LocalizedText(en: "x", ar: "x")
            })
        found = try await service.find(project: "p", provider: "stripe", environment: .dev)
        #expect(try await service.credentials(of: found.connection)["secret_key"] == "sk_test_new_value")
        #expect(found.secrets.count == 1 && found.secrets.first?.fingerprint != old)
    }

    @Test("a ciphertext moved to another connection's row fails to decrypt")
    func movedCiphertext() async throws {
        let (service, store) = try Self.service()
        let reader = Reader(variables: ["A": "sk_test_aaaaaa", "B": "sk_test_bbbbbb"])
        func request(_ alias: String, _ variable: String) -> ConnectRequest {
            ConnectRequest(
                project: "p", provider: "stripe", environment: .dev, alias: alias,
                fields: ["secret_key": .environment(variable), "publishable_key": .literal("pk_test_1")])
        }
        let a = try await service.connect(request("a", "A"), reader: reader)
        let b = try await service.connect(request("b", "B"), reader: reader)
        let stolen = try await store.secrets(of: a.connection.id)[0]
        var moved = stolen
        moved.connectionID = b.connection.id
        try await store.save(b.connection, secrets: [moved])
        await #expect(throws: ConnectionError.secrets(.corrupt)) { _ = try await service.credentials(of: b.connection) }
    }
}

@Suite("Webhook URLs of connections")
struct WebhookURLTests {
    @Test("a provider that signs nothing gets a fresh secret URL token at connect; its URL carries it, Stripe's not")
    func urlToken() async throws {
        let (service, _) = try ConnectionServiceTests.service()
        let reader = ConnectionServiceTests.Reader(variables: ["KEY": "infobip-key-1", "STRIPE": "sk_test_abcdef"])
        for alias in ["default", "second"] {
            _ = try await service.connect(
                ConnectRequest(
                    project: "souq", provider: "infobip", environment: .dev, alias: alias,
                    fields: [
                        "api_key": .environment("KEY"), "base_url": .literal("https://xyz12.api.infobip.com"),
                        "whatsapp_sender": .literal("966500000000"),
                    ]), reader: reader)
        }
        _ = try await service.connect(
            ConnectRequest(
                project: "souq", provider: "stripe", environment: .dev,
                fields: ["secret_key": .environment("STRIPE"), "publishable_key": .literal("pk_test_1")]),
            reader: reader)
        let first = try await service.webhookURL(
            project: "souq", provider: "infobip", environment: .dev, base: "https://hooks.example.sa")
        let second = try await service.webhookURL(
            project: "souq", provider: "infobip", alias: "second", environment: .dev, base: "https://hooks.example.sa")
        #expect(first.revealsSecret && second.revealsSecret)
        let token = try #require(URLComponents(string: first.url)?.queryItems?.first { $0.name == "token" }?.value)
        #expect(first.url == "https://hooks.example.sa/v1/webhooks/infobip/default?token=\(token)")
        // 256 bits in base64url, and one per connection.
        #expect(token.count == 43 && token.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        #expect(!second.url.contains(token))
        // The stored token is what the receiver checks against.
        let found = try await service.find(project: "souq", provider: "infobip", environment: .dev)
        #expect(try await service.credentials(of: found.connection)["webhook_token"] == token)

        let stripe = try await service.webhookURL(
            project: "souq", provider: "stripe", environment: .dev, base: "https://hooks.example.sa")
        #expect(stripe.url == "https://hooks.example.sa/v1/webhooks/stripe/default" && !stripe.revealsSecret)
        await #expect(throws: ConnectionError.noWebhooks("aws")) {
            _ = try await service.webhookURL(project: "souq", provider: "aws", environment: .dev, base: "https://x.sa")
        }
    }
}
