import Foundation
import JWTKit

/// A Google Cloud service-account key (the JSON the console downloads), reduced to what the JWT-bearer grant needs.
public struct ServiceAccountKey: Sendable {
    public var clientEmail: String
    public var privateKeyPEM: String
    public var privateKeyID: String?
    public var projectID: String?

    /// Reads the downloaded JSON; a file of another kind, or without its private key, is refused by name.
    public init(json: String) throws(OAuthError) {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] else {
            throw .invalidServiceAccount("not JSON")
        }
        guard object["type"] as? String == "service_account" else {
            throw .invalidServiceAccount("its \"type\" is not \"service_account\"")
        }
        guard let email = object["client_email"] as? String, let pem = object["private_key"] as? String else {
            throw .invalidServiceAccount("it lacks client_email or private_key")
        }
        clientEmail = email
        privateKeyPEM = pem
        privateKeyID = object["private_key_id"] as? String
        projectID = object["project_id"] as? String
    }
}

/// RFC 7523 JWT-bearer grant (Google's service accounts): Sheen signs a one-hour assertion with the account's RSA key
/// (RS256) and trades it at the token endpoint, which is also the assertion's audience.
public struct ServiceAccountGrant: Sendable {
    public var endpoint: TokenEndpoint
    public var key: ServiceAccountKey
    public var scopes: [String]

    public init(endpoint: TokenEndpoint, key: ServiceAccountKey, scopes: [String]) {
        self.endpoint = endpoint
        self.key = key
        self.scopes = scopes
    }

    struct Assertion: JWTPayload {
        var iss: IssuerClaim
        var scope: String
        var aud: AudienceClaim
        var iat: IssuedAtClaim
        var exp: ExpirationClaim

        func verify(using algorithm: some JWTAlgorithm) async throws { try exp.verifyNotExpired() }
    }

    /// The signed assertion, for the token request and for tests that check it as an authorization server would.
    public func assertion() async throws(OAuthError) -> String {
        let now = endpoint.now()
        let claims = Assertion(
            iss: IssuerClaim(value: key.clientEmail), scope: scopes.joined(separator: " "),
            aud: AudienceClaim(value: endpoint.url), iat: IssuedAtClaim(value: now),
            exp: ExpirationClaim(value: now.addingTimeInterval(3600)))
        do {
            let keys = JWTKeyCollection()
            let kid = key.privateKeyID.map { JWKIdentifier(string: $0) }
            await keys.add(rsa: try Insecure.RSA.PrivateKey(pem: key.privateKeyPEM), digestAlgorithm: .sha256, kid: kid)
            return try await keys.sign(claims, kid: kid)
        } catch {
            throw .invalidServiceAccount("its private key cannot sign (\(type(of: error)))")
        }
    }

    public func token() async throws(OAuthError) -> OAuthToken {
        let assertion = try await assertion()
        return try await endpoint.request([
            ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), ("assertion", assertion),
        ])
    }
}
