import AsyncHTTPClient
import Crypto
import Foundation
import JWTKit
import NIOCore
import NIOHTTP1
import SheenApplication
import SheenModel
import SheenSecrets
import SheenStore
import SheenTestSupport
import Synchronization
import Testing
import _CryptoExtras

@Suite("Access tokens for connections")
struct TokenServiceTests {
    /// A clock the test moves.
    final class Clock: Sendable {
        let value = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        var now: Date { value.withLock { $0 } }
        func advance(_ seconds: TimeInterval) { value.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    static func manifest(_ id: String, grant: ProviderManifest.TokenGrant) -> ProviderManifest {
        ProviderManifest(
            id: id, name: LocalizedText(en: id, ar: id), category: .auth, status: .available,
            auth: ProviderManifest.Auth(
                method: .oauth2,
                credentials: [
                    .init(name: "client_id", secret: false, label: LocalizedText(en: "Client ID", ar: "معرّف العميل")),
                    .init(name: "client_secret", secret: true, label: LocalizedText(en: "Client secret", ar: "السر")),
                ], token: grant),
            baseURLs: [.dev: "https://api.example.com"], markets: [], currencies: [], capabilities: [])
    }

    static func setUp(
        _ server: TestAuthorizationServer, clock: Clock, secret: String
    ) async throws -> (TokenService, ConnectionService, Connection, SQLiteStateStore) {
        let catalog = Catalog(
            capabilities: [],
            providers: [
                manifest(
                    "idp",
                    grant: .init(grant: .clientCredentials, tokenURL: server.tokenURL, audience: server.audience)),
                manifest(
                    "crm",
                    grant: .init(
                        grant: .authorizationCode, tokenURL: server.tokenURL, authorizeURL: server.authorizeURL)),
            ], recipes: [], checklists: [])
        let store = try SQLiteStateStore.inMemory()
        let keys = try #require(
            try EnvironmentKeyProvider(environment: [
                "SHEEN_MASTER_KEY": Data(repeating: 1, count: 32).base64EncodedString()
            ]))
        let connections = ConnectionService(store: store, keys: keys, catalog: catalog, now: { clock.now })
        let made = try await connections.connect(
            ConnectRequest(
                project: "p", provider: "idp", environment: .dev,
                fields: ["client_id": .literal(server.clientID), "client_secret": .environment("S")]),
            reader: ConnectionServiceTests.Reader(variables: ["S": secret]))
        return (TokenService(connections: connections, now: { clock.now }), connections, made.connection, store)
    }

    static func server() async throws -> TestAuthorizationServer {
        let key = try JWTKit.Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
        let server = TestAuthorizationServer(publicKey: key.publicKey)
        try await server.start()
        return server
    }

    @Test("a token is fetched once, served sealed from the cache, and renewed 15 minutes before it expires")
    func cacheAndRenewal() async throws {
        let server = try await Self.server()
        defer { server.stop() }
        let clock = Clock()
        let (tokens, _, connection, store) = try await Self.setUp(server, clock: clock, secret: server.clientSecret)
        let first = try await tokens.accessToken(for: connection)
        #expect(try await tokens.accessToken(for: connection) == first)
        clock.advance(40 * 60)
        #expect(try await tokens.accessToken(for: connection) == first, "44 minutes left: still cached")
        #expect(server.state.withLock { $0.issued } == 1)
        clock.advance(6 * 60)
        let renewed = try await tokens.accessToken(for: connection)
        #expect(renewed != first, "14 minutes left: renewed ahead of expiry")
        #expect(server.state.withLock { $0.issued } == 2)
        let cached = try await store.secrets(of: connection.id).first { $0.field == TokenService.cacheField }
        let sealed = try #require(cached).sealed
        #expect(sealed.ciphertext.range(of: Data(renewed.utf8)) == nil)
    }

    @Test("a renewal that fails marks the connection unhealthy with the command that fixes it")
    func failureMarksUnhealthy() async throws {
        let server = try await Self.server()
        defer { server.stop() }
        let (tokens, connections, connection, _) = try await Self.setUp(
            server, clock: Clock(), secret: "the-wrong-secret")
        do {
            _ = try await tokens.accessToken(for: connection)
            Issue.record("a refused client got a token")
        } catch {
            guard case .tokenFailed(_, let reason, let fix) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(reason.en.contains("invalid_client"))
            #expect(fix.contains("sheen connections rotate idp --alias default --env dev"))
            #expect(!error.message.en.contains("the-wrong-secret"))
        }
        let marked = try await connections.find(project: "p", provider: "idp", environment: .dev).connection
        #expect(marked.problem?.en.contains("token renewal failed") == true)
    }

    @Test("a browser authorization stores rotating refresh tokens; each renewal uses and replaces the last one")
    func authorizationCodeRefresh() async throws {
        let server = try await Self.server()
        defer { server.stop() }
        let clock = Clock()
        let (tokens, connections, _, _) = try await Self.setUp(server, clock: clock, secret: server.clientSecret)
        let crm = try await connections.connect(
            ConnectRequest(
                project: "p", provider: "crm", environment: .dev,
                fields: ["client_id": .literal(server.clientID), "client_secret": .environment("S")]),
            reader: ConnectionServiceTests.Reader(variables: ["S": server.clientSecret])
        ).connection
        try await tokens.authorize(crm, timeout: .seconds(20)) { url in
            let client = HTTPClient(configuration: .init(redirectConfiguration: .disallow))
            if let response = try? await client.execute(HTTPClientRequest(url: url), timeout: .seconds(10)),
                let location = response.headers.first(name: "location")
            {
                _ = try? await HTTPClient.shared.execute(HTTPClientRequest(url: location), timeout: .seconds(10))
            }
            try? await client.shutdown()
        }
        let first = try await tokens.accessToken(for: crm)
        clock.advance(50 * 60)
        let second = try await tokens.accessToken(for: crm)
        clock.advance(50 * 60)
        let third = try await tokens.accessToken(for: crm)
        #expect(Set([first, second, third]).count == 3)
        let refreshes = server.state.withLock { $0.requests.filter { $0["grant_type"] == "refresh_token" } }
        #expect(refreshes.count == 2)
        #expect(refreshes[0]["refresh_token"] != refreshes[1]["refresh_token"], "the rotated token was used")
    }
}
