import Foundation

/// An access token from a token endpoint, and what renews it.
public struct OAuthToken: Sendable, Hashable {
    public var accessToken: String
    public var tokenType: String
    public var expiresAt: Date?
    /// Present for the authorization-code grant; a server that rotates it returns a new one on every refresh.
    public var refreshToken: String?
    public var scope: String?

    public init(
        accessToken: String, tokenType: String = "Bearer", expiresAt: Date?, refreshToken: String? = nil,
        scope: String? = nil
    ) {
        self.accessToken = accessToken
        self.tokenType = tokenType
        self.expiresAt = expiresAt
        self.refreshToken = refreshToken
        self.scope = scope
    }

    /// Whether the token should be renewed at `now`: it expires within `margin` (Sheen renews 15 minutes ahead, so a
    /// step never starts with a token that dies mid-call).
    public func needsRenewal(at now: Date, margin: TimeInterval = 15 * 60) -> Bool {
        guard let expiresAt else { return false }
        return expiresAt.timeIntervalSince(now) <= margin
    }
}
