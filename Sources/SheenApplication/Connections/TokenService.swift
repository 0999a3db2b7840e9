import Foundation
import SheenAuth
import SheenModel
import SheenSecrets

/// Access tokens for connections whose manifest declares a grant (`auth.token`): obtained with the connection's
/// credentials, cached sealed beside them, renewed 15 minutes before they expire, refreshed with rotation honoured.
/// A renewal that fails marks the connection unhealthy with the command that fixes it.
public struct TokenService: Sendable {
    public let connections: ConnectionService
    /// Renew this long before expiry, so no step starts with a token that dies mid-call.
    public let margin: TimeInterval
    public let now: @Sendable () -> Date

    /// The sealed field that holds the cached token (JSON: access and refresh token, expiry).
    public static let cacheField = "oauth.token"

    public init(
        connections: ConnectionService, margin: TimeInterval = 15 * 60, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.connections = connections
        self.margin = margin
        self.now = now
    }

    /// Whether `provider` authenticates with a token obtained from a grant.
    public func usesTokens(_ provider: String) -> Bool { connections.catalog.providers[provider]?.auth.token != nil }

    /// A valid access token for `connection`.
    public func accessToken(for connection: Connection) async throws(ConnectionError) -> String {
        guard let manifest = connections.catalog.providers[connection.provider], let grant = manifest.auth.token else {
            throw .unknownProvider(connection.provider, known: [])
        }
        let previous = try await cached(connection)
        if let previous, !previous.needsRenewal(at: now(), margin: margin) { return previous.accessToken }
        do {
            let token = try await obtain(grant, manifest: manifest, connection: connection, previous: previous)
            try await store(token, for: connection)
            if connection.problem != nil { try await setProblem(nil, connection) }
            return token.accessToken
        } catch let error as OAuthError where error.isTransient {
            // Not the credentials' fault: the connection stays healthy and the step is retried.
            throw .tokenUnavailable(reference: connection.reference, reason: error.message)
        } catch let error as OAuthError {
            let fix = Self.fix(grant.grant, connection: connection)
            try await setProblem(
                LocalizedText(
                    en: "token renewal failed: \(error.message.en); \(fix)",
                    ar: "فشل تجديد الرمز: \(error.message.ar)؛ \(fix)"), connection)
            throw .tokenFailed(reference: connection.reference, reason: error.message, fix: fix)
        } catch let error as ConnectionError {
            throw error
        } catch {
            throw .store("\(error)")
        }
    }

    /// Runs the authorization-code flow for `connection` (`sheen connect … --authorize`) and caches the tokens.
    public func authorize(
        _ connection: Connection, timeout: Duration = .seconds(300), open: @Sendable (String) async -> Void
    ) async throws(ConnectionError) {
        guard let manifest = connections.catalog.providers[connection.provider], let grant = manifest.auth.token,
            grant.grant == .authorizationCode
        else { throw .notAuthorizable(connection.provider) }
        let values = try await connections.credentials(of: connection)
        let flow = try codeGrant(grant, values: values, connection: connection)
        let token: OAuthToken
        do throws(OAuthError) {
            token = try await flow.authorize(timeout: timeout, open: open)
        } catch {
            throw .tokenFailed(
                reference: connection.reference, reason: error.message,
                fix: Self.fix(.authorizationCode, connection: connection))
        }
        try await store(token, for: connection)
        if connection.problem != nil { try await setProblem(nil, connection) }
    }

    // MARK: Grants

    private func obtain(
        _ grant: ProviderManifest.TokenGrant, manifest: ProviderManifest, connection: Connection, previous: OAuthToken?
    ) async throws -> OAuthToken {
        let values = try await connections.credentials(of: connection)
        switch grant.grant {
        case .clientCredentials:
            return try await ClientCredentialsGrant(
                endpoint: try endpoint(grant.tokenURL, values: values, connection: connection),
                clientID: values["client_id"] ?? "", clientSecret: values["client_secret"] ?? "",
                audience: try grant.audience.map { try expand($0, values: values) }, scopes: grant.scopes
            ).token()
        case .jwtBearer:
            let json = manifest.auth.credentials.first { $0.secret }.flatMap { values[$0.name] } ?? ""
            return try await ServiceAccountGrant(
                endpoint: try endpoint(grant.tokenURL, values: values, connection: connection),
                key: try ServiceAccountKey(json: json), scopes: grant.scopes
            ).token()
        case .authorizationCode:
            guard let refresh = previous?.refreshToken else { throw OAuthError.noRefreshToken }
            return try await codeGrant(grant, values: values, connection: connection).refresh(refresh)
        }
    }

    private func codeGrant(
        _ grant: ProviderManifest.TokenGrant, values: [String: String], connection: Connection
    ) throws(ConnectionError) -> AuthorizationCodeGrant {
        AuthorizationCodeGrant(
            endpoint: try endpoint(grant.tokenURL, values: values, connection: connection),
            authorizeURL: try expand(grant.authorizeURL ?? "", values: values), clientID: values["client_id"] ?? "",
            clientSecret: values["client_secret"], scopes: grant.scopes)
    }

    /// The manifest's token URL, filled from the connection's plain fields. A sandbox connection's base URL replaces
    /// scheme, host and port (the simulator serves the token endpoint too); a real connection's never does.
    private func endpoint(
        _ template: String, values: [String: String], connection: Connection
    ) throws(ConnectionError) -> TokenEndpoint {
        var url = try expand(template, values: values)
        if connection.sandbox, let base = connection.baseURL, var components = URLComponents(string: url),
            let target = URLComponents(string: base)
        {
            components.scheme = target.scheme
            components.host = target.host
            components.port = target.port
            url = components.string ?? url
        }
        return TokenEndpoint(url: url, now: now)
    }

    private func expand(_ template: String, values: [String: String]) throws(ConnectionError) -> String {
        switch URLTemplate(template).expanded(with: values) {
        case .success(let url): return url
        case .failure(let missing): throw .emptyValue(field: missing.name)
        }
    }

    // MARK: Cache

    private struct Cached: Codable {
        var access: String
        var type: String
        var expires: Date?
        var refresh: String?
    }

    private func cached(_ connection: Connection) async throws(ConnectionError) -> OAuthToken? {
        let records: [SecretRecord]
        do { records = try await connections.store.secrets(of: connection.id) } catch { throw .store("\(error)") }
        guard let record = records.first(where: { $0.field == Self.cacheField && $0.slot == .current }) else {
            return nil
        }
        let json: String
        do {
            json = try connections.envelope.open(
                record.sealed, for: ConnectionService.context(connection, field: Self.cacheField))
        } catch {
            throw .secrets(error)
        }
        guard let value = try? JSONDecoder().decode(Cached.self, from: Data(json.utf8)) else { return nil }
        return OAuthToken(
            accessToken: value.access, tokenType: value.type, expiresAt: value.expires, refreshToken: value.refresh)
    }

    private func store(_ token: OAuthToken, for connection: Connection) async throws(ConnectionError) {
        let value = Cached(
            access: token.accessToken, type: token.tokenType, expires: token.expiresAt, refresh: token.refreshToken)
        guard let data = try? JSONEncoder().encode(value) else { throw .store("cannot encode the token") }
        do {
            let sealed = try connections.envelope.seal(
                String(decoding: data, as: UTF8.self),
                for: ConnectionService.context(connection, field: Self.cacheField))
            let fingerprint = try SecretFingerprint.of(
                token.accessToken, field: Self.cacheField, keys: connections.keys)
            try await connections.store.save(
                connection,
                secrets: [
                    SecretRecord(
                        connectionID: connection.id, field: Self.cacheField, sealed: sealed, fingerprint: fingerprint,
                        setAt: now())
                ])
        } catch let error as SecretError {
            throw .secrets(error)
        } catch {
            throw .store("\(error)")
        }
    }

    private func setProblem(_ problem: LocalizedText?, _ connection: Connection) async throws(ConnectionError) {
        do { try await connections.store.setProblem(problem, connectionID: connection.id) } catch {
            throw .store("\(error)")
        }
    }

    /// What the user runs to recover: re-authorize a user grant, or replace the credentials of a client grant.
    static func fix(_ grant: ProviderManifest.TokenGrant.Grant, connection: Connection) -> String {
        let selector = "\(connection.provider) --alias \(connection.alias) --env \(connection.environment.rawValue)"
        switch grant {
        case .authorizationCode: return "run 'sheen connections authorize \(selector)'"
        case .clientCredentials: return "run 'sheen connections rotate \(selector) --field client_secret=@env:VAR'"
        case .jwtBearer: return "run 'sheen connections rotate \(selector) --field service_account_json=@file:KEY.json'"
        }
    }
}
