import Foundation

/// RFC 6749 §4.1 with PKCE (S256), for providers that hand out user tokens (HubSpot, Slack, GitHub): the user
/// approves in a browser, the provider redirects to a loopback listener, and Sheen trades the code, with its
/// verifier, for an access and a refresh token.
public struct AuthorizationCodeGrant: Sendable {
    public var endpoint: TokenEndpoint
    public var authorizeURL: String
    public var clientID: String
    public var clientSecret: String?
    public var scopes: [String]

    public init(
        endpoint: TokenEndpoint, authorizeURL: String, clientID: String, clientSecret: String?, scopes: [String]
    ) {
        self.endpoint = endpoint
        self.authorizeURL = authorizeURL
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.scopes = scopes
    }

    /// The URL to open in a browser.
    public func authorizationURL(redirectURI: String, state: String, pkce: PKCE) -> String {
        var components = URLComponents(string: authorizeURL) ?? URLComponents()
        var items = components.queryItems ?? []
        items += [
            URLQueryItem(name: "response_type", value: "code"), URLQueryItem(name: "client_id", value: clientID),
            URLQueryItem(name: "redirect_uri", value: redirectURI), URLQueryItem(name: "state", value: state),
            URLQueryItem(name: "code_challenge", value: pkce.challenge),
            URLQueryItem(name: "code_challenge_method", value: pkce.method),
        ]
        if !scopes.isEmpty { items.append(URLQueryItem(name: "scope", value: scopes.joined(separator: " "))) }
        components.queryItems = items
        return components.string ?? authorizeURL
    }

    /// Runs the whole flow: a loopback listener on an ephemeral port, `open` handed the URL to show or launch, the
    /// answer's state checked, the code exchanged with the verifier.
    public func authorize(
        timeout: Duration = .seconds(300), open: @Sendable (String) async -> Void
    ) async throws(OAuthError) -> OAuthToken {
        let pkce = PKCE()
        let state = PKCE.state()
        let listener = LoopbackRedirectListener()
        let redirect = try await listener.start()
        await open(authorizationURL(redirectURI: redirect, state: state, pkce: pkce))
        let answer = try await listener.wait(timeout: timeout)
        guard answer["state"] == state else { throw .stateMismatch }
        if let error = answer["error"] {
            throw .authorizationDenied(error: error, description: answer["error_description"])
        }
        guard let code = answer["code"] else { throw .authorizationDenied(error: "no_code", description: nil) }
        return try await exchange(code: code, redirectURI: redirect, verifier: pkce.verifier)
    }

    public func exchange(code: String, redirectURI: String, verifier: String) async throws(OAuthError) -> OAuthToken {
        var form = [
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI),
            ("client_id", clientID), ("code_verifier", verifier),
        ]
        if let clientSecret { form.append(("client_secret", clientSecret)) }
        return try await endpoint.request(form)
    }

    /// Renews with `refreshToken`. A server that rotates refresh tokens returns a new one, which replaces the old; one
    /// that does not leaves the old one in use.
    public func refresh(_ refreshToken: String) async throws(OAuthError) -> OAuthToken {
        var form = [("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", clientID)]
        if let clientSecret { form.append(("client_secret", clientSecret)) }
        var token = try await endpoint.request(form)
        if token.refreshToken == nil { token.refreshToken = refreshToken }
        return token
    }
}
