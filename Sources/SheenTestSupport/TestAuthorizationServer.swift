import Crypto
import Foundation
import Hummingbird
import JWTKit
import NIOCore
import SheenAuth
import Synchronization

/// A small OAuth 2.0 authorization server on loopback, strict where real ones are: client credentials checked, JWT
/// assertions verified (RS256, audience, issuer, expiry), PKCE verifiers checked against S256 challenges, and refresh
/// tokens rotated (a used one is refused).
public final class TestAuthorizationServer: Sendable {
    public struct State {
        public var codes: [String: (challenge: String, redirect: String)] = [:]
        public var refreshTokens: Set<String> = []
        public var issued = 0
        public var requests: [[String: String]] = []
    }

    public let state = Mutex(State())
    /// The lifetime of issued tokens, in seconds.
    public let lifetime: Int
    public let clientID = "sheen-client"
    public let clientSecret = "s3cret-value-1"
    public let audience = "https://tenant.example/api/v2/"
    public let serviceAccountEmail = "sheen@project.iam.gserviceaccount.com"
    public let publicKey: JWTKit.Insecure.RSA.PublicKey
    private let task = Mutex<LoopbackServer?>(nil)
    private let boundPort = Mutex(0)
    public var port: Int { boundPort.withLock { $0 } }

    public init(publicKey: JWTKit.Insecure.RSA.PublicKey, lifetime: Int = 3600) {
        self.publicKey = publicKey
        self.lifetime = lifetime
    }

    public var tokenURL: String { "http://127.0.0.1:\(port)/token" }
    public var authorizeURL: String { "http://127.0.0.1:\(port)/authorize" }

    public func start() async throws {
        let router = Router()
        router.post("token") { [self] request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 16)
            return try await token(Self.form(String(buffer: body)), authorization: request.headers[.authorization])
        }
        router.get("authorize") { [self] request, _ -> Response in
            var query: [String: String] = [:]
            for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
            guard query["response_type"] == "code", query["client_id"] == clientID,
                query["code_challenge_method"] == "S256", let challenge = query["code_challenge"],
                let redirect = query["redirect_uri"], let sent = query["state"]
            else { return Response(status: .badRequest) }
            let code = "code-\(UUID().uuidString)"
            state.withLock { $0.codes[code] = (challenge, redirect) }
            guard var location = URLComponents(string: redirect) else { return Response(status: .badRequest) }
            location.queryItems = [URLQueryItem(name: "code", value: code), URLQueryItem(name: "state", value: sent)]
            return Response(status: .found, headers: [.location: location.string ?? redirect])
        }
        let server = try await LoopbackServer.start(router)
        task.withLock { $0 = server }
        boundPort.withLock { $0 = server.port }
    }

    public func stop() { task.withLock { $0?.stop() } }

    private func token(_ form: [String: String], authorization: String?) async throws -> Response {
        state.withLock { $0.requests.append(form) }
        switch form["grant_type"] {
        case "client_credentials":
            guard form["client_id"] == clientID, form["client_secret"] == clientSecret else {
                return Self.error(401, "invalid_client", "unknown client or wrong secret")
            }
            guard form["audience"] == audience else { return Self.error(403, "access_denied", "wrong audience") }
            return issue(refresh: false)
        case "urn:ietf:params:oauth:grant-type:jwt-bearer":
            struct Claims: JWTPayload {
                var iss: IssuerClaim
                var aud: AudienceClaim
                var exp: ExpirationClaim
                var scope: String
                func verify(using algorithm: some JWTAlgorithm) async throws { try exp.verifyNotExpired() }
            }
            let keys = JWTKeyCollection()
            await keys.add(rsa: publicKey, digestAlgorithm: .sha256)
            guard let assertion = form["assertion"],
                let claims = try? await keys.verify(assertion, as: Claims.self),
                claims.iss.value == serviceAccountEmail, claims.aud.value.contains(tokenURL)
            else { return Self.error(400, "invalid_grant", "bad assertion") }
            return issue(refresh: false)
        case "authorization_code":
            guard let code = form["code"], let verifier = form["code_verifier"],
                let entry = state.withLock({ $0.codes.removeValue(forKey: code) })
            else { return Self.error(400, "invalid_grant", "unknown or used code") }
            let challenge = Data(SHA256.hash(data: Data(verifier.utf8))).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            guard challenge == entry.challenge, form["redirect_uri"] == entry.redirect else {
                return Self.error(400, "invalid_grant", "PKCE verification failed")
            }
            return issue(refresh: true)
        case "refresh_token":
            guard let token = form["refresh_token"], state.withLock({ $0.refreshTokens.remove(token) }) != nil else {
                return Self.error(400, "invalid_grant", "refresh token revoked or reused")
            }
            return issue(refresh: true)
        default:
            return Self.error(400, "unsupported_grant_type", nil)
        }
    }

    private func issue(refresh: Bool) -> Response {
        let number = state.withLock { value -> Int in
            value.issued += 1
            return value.issued
        }
        var body: [String: Any] = ["access_token": "at-\(number)", "token_type": "Bearer", "expires_in": lifetime]
        if refresh {
            let token = "rt-\(number)"
            state.withLock { _ = $0.refreshTokens.insert(token) }
            body["refresh_token"] = token
        }
        return Self.json(200, body)
    }

    static func error(_ status: Int, _ code: String, _ description: String?) -> Response {
        var body: [String: Any] = ["error": code]
        if let description { body["error_description"] = description }
        return json(status, body)
    }

    static func json(_ status: Int, _ body: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: body)) ?? Data()
        return Response(
            status: .init(code: status), headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func form(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            if parts.count == 2 { result[parts[0]] = parts[1] }
        }
        return result
    }
}
