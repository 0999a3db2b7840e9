/// RFC 6749 §4.4: a confidential client trades its id and secret for an access token (Auth0's Management API, Azure's
/// Entra ID).
public struct ClientCredentialsGrant: Sendable {
    public var endpoint: TokenEndpoint
    public var clientID: String
    public var clientSecret: String
    public var audience: String?
    public var scopes: [String]

    public init(
        endpoint: TokenEndpoint, clientID: String, clientSecret: String, audience: String? = nil, scopes: [String] = []
    ) {
        self.endpoint = endpoint
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.audience = audience
        self.scopes = scopes
    }

    public func token() async throws(OAuthError) -> OAuthToken {
        var form = [("grant_type", "client_credentials"), ("client_id", clientID), ("client_secret", clientSecret)]
        if let audience { form.append(("audience", audience)) }
        if !scopes.isEmpty { form.append(("scope", scopes.joined(separator: " "))) }
        return try await endpoint.request(form)
    }
}
