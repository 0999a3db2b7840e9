import AsyncHTTPClient
import Crypto
import Foundation
import JWTKit
import NIOCore
import NIOHTTP1
import SheenModel
import SheenTestSupport
import Synchronization
import Testing
import _CryptoExtras

@testable import SheenAuth

@Suite("OAuth 2.0 grants against a local authorization server")
struct TokenGrantTests {
    static func server() async throws -> (TestAuthorizationServer, JWTKit.Insecure.RSA.PrivateKey) {
        let key = try JWTKit.Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
        let server = TestAuthorizationServer(publicKey: key.publicKey)
        try await server.start()
        return (server, key)
    }

    @Test("client credentials: a token for the right secret and audience; the server's refusal is reported by code")
    func clientCredentials() async throws {
        let (server, _) = try await Self.server()
        defer { server.stop() }
        let clock = Date(timeIntervalSince1970: 1_800_000_000)
        let endpoint = TokenEndpoint(url: server.tokenURL, now: { clock })
        let grant = ClientCredentialsGrant(
            endpoint: endpoint, clientID: server.clientID, clientSecret: server.clientSecret, audience: server.audience,
            scopes: ["read:clients", "create:connections"])
        let token = try await grant.token()
        #expect(token.accessToken.hasPrefix("at-"))
        #expect(token.expiresAt == clock.addingTimeInterval(3600))
        #expect(server.state.withLock { $0.requests.last?["scope"] } == "read:clients create:connections")
        var wrong = grant
        wrong.clientSecret = "not-the-secret"
        await #expect(
            throws: OAuthError.refused(
                status: 401, error: "invalid_client", description: "unknown client or wrong secret")
        ) {
            _ = try await wrong.token()
        }
        #expect(
            !OAuthError.refused(status: 401, error: "invalid_client", description: nil).message.en.contains(
                "not-the-secret"))
    }

    @Test("JWT bearer: an RS256 assertion the server verifies (issuer, audience, expiry) buys a token")
    func serviceAccount() async throws {
        let (server, key) = try await Self.server()
        defer { server.stop() }
        let json = try String(
            decoding: JSONSerialization.data(withJSONObject: [
                "type": "service_account", "client_email": server.serviceAccountEmail,
                "private_key": key.pemRepresentation, "private_key_id": "k1", "project_id": "souq-prod",
            ]), as: UTF8.self)
        let account = try ServiceAccountKey(json: json)
        let grant = ServiceAccountGrant(
            endpoint: TokenEndpoint(url: server.tokenURL), key: account,
            scopes: ["https://www.googleapis.com/auth/cloud-platform"])
        let token = try await grant.token()
        #expect(token.accessToken.hasPrefix("at-"))
        // Another key's signature is refused.
        let other = try JWTKit.Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
        var forged = account
        forged.privateKeyPEM = other.pemRepresentation
        let forgedGrant = ServiceAccountGrant(endpoint: grant.endpoint, key: forged, scopes: grant.scopes)
        await #expect(throws: OAuthError.refused(status: 400, error: "invalid_grant", description: "bad assertion")) {
            _ = try await forgedGrant.token()
        }
        #expect(throws: OAuthError.self) { try ServiceAccountKey(json: #"{"type":"authorized_user"}"#) }
    }

    @Test(
        "authorization code with PKCE: the browser's redirect reaches the loopback listener, state and verifier check")
    func authorizationCode() async throws {
        let (server, _) = try await Self.server()
        defer { server.stop() }
        let grant = AuthorizationCodeGrant(
            endpoint: TokenEndpoint(url: server.tokenURL), authorizeURL: server.authorizeURL,
            clientID: server.clientID, clientSecret: nil, scopes: ["crm.objects.contacts.read"])
        let token = try await grant.authorize(timeout: .seconds(20)) { url in
            // The "browser": ask the authorization server, then follow its redirect to the listener.
            try? await Self.follow(url)
        }
        #expect(token.accessToken.hasPrefix("at-") && token.refreshToken?.hasPrefix("rt-") == true)

        // Refresh tokens rotate: the new one works, the used one is refused.
        let first = try #require(token.refreshToken)
        let renewed = try await grant.refresh(first)
        #expect(renewed.refreshToken != first)
        await #expect(
            throws: OAuthError.refused(
                status: 400, error: "invalid_grant", description: "refresh token revoked or reused")
        ) {
            _ = try await grant.refresh(first)
        }
        _ = try await grant.refresh(try #require(renewed.refreshToken))
    }

    @Test("an answer carrying another state is refused; a wrong verifier is refused by the server")
    func forgedAnswers() async throws {
        let (server, _) = try await Self.server()
        defer { server.stop() }
        let grant = AuthorizationCodeGrant(
            endpoint: TokenEndpoint(url: server.tokenURL), authorizeURL: server.authorizeURL,
            clientID: server.clientID, clientSecret: nil, scopes: [])
        await #expect(throws: OAuthError.stateMismatch) {
            _ = try await grant.authorize(timeout: .seconds(20)) { url in
                let redirect =
                    URLComponents(string: url)?.queryItems?.first { $0.name == "redirect_uri" }?.value ?? ""
                guard var components = URLComponents(string: redirect) else { return }
                components.queryItems = [
                    URLQueryItem(name: "code", value: "x"), URLQueryItem(name: "state", value: "forged"),
                ]
                try? await Self.get(components.string ?? redirect)
            }
        }
        // A code obtained honestly but exchanged with another verifier fails PKCE.
        let listener = LoopbackRedirectListener()
        let redirect = try await listener.start()
        let pkce = PKCE()
        try await Self.follow(grant.authorizationURL(redirectURI: redirect, state: "s1", pkce: pkce))
        let answer = try await listener.wait(timeout: .seconds(20))
        let code = try #require(answer["code"])
        await #expect(
            throws: OAuthError.refused(status: 400, error: "invalid_grant", description: "PKCE verification failed")
        ) {
            _ = try await grant.exchange(code: code, redirectURI: redirect, verifier: PKCE().verifier)
        }
    }

    @Test("PKCE: RFC 7636 appendix B's verifier gives its challenge")
    func rfcVector() {
        let pkce = PKCE(verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        #expect(pkce.challenge == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        #expect(PKCE().verifier.count == 43)
    }

    @Test("a token is renewed 15 minutes before it expires, not after")
    func renewal() {
        let now = Date(timeIntervalSince1970: 0)
        #expect(!OAuthToken(accessToken: "a", expiresAt: now.addingTimeInterval(16 * 60)).needsRenewal(at: now))
        #expect(OAuthToken(accessToken: "a", expiresAt: now.addingTimeInterval(15 * 60)).needsRenewal(at: now))
        #expect(!OAuthToken(accessToken: "a", expiresAt: nil).needsRenewal(at: now))
    }

    /// GETs `url` without following redirects, then GETs the redirect target (the loopback listener).
    static func follow(_ url: String) async throws {
        let client = HTTPClient(configuration: .init(redirectConfiguration: .disallow))
        defer { Task { try? await client.shutdown() } }
        let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
        let location = try #require(response.headers.first(name: "location"))
        try await get(location)
    }

    static func get(_ url: String) async throws {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 1 << 16)
    }
}
