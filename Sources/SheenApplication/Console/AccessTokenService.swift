import Crypto
import Foundation
import SheenEngine
import SheenModel

/// Bearer tokens for the HTTP API and the dashboard. A token's secret is shown once, when it is created; the store
/// keeps only its SHA-256. The secret carries 256 random bits, so an unsalted hash is as strong as the secret and
/// lets a request be authenticated by one indexed lookup.
public struct AccessTokenService: Sendable {
    public let store: any ConsoleStore
    public let audit: AuditLog

    public init(store: any ConsoleStore, audit: AuditLog) {
        self.store = store
        self.audit = audit
    }

    /// A new token and its secret, which exists nowhere else once this value is dropped.
    public struct Issued: Sendable {
        public var token: AccessToken
        public var secret: String
    }

    /// The secret's prefix: lets secret scanners and people recognise a leaked Sheen token.
    public static let secretPrefix = "sheen_"

    public func create(
        name: String, projects: [String], scopes: Set<AccessToken.Scope>, by actor: String
    ) async throws(ConsoleError) -> Issued {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 100 else { throw .invalid(field: "name", Self.nameRule) }
        guard !projects.isEmpty else { throw .invalid(field: "projects", Self.projectsRule) }
        for project in projects where project != AccessToken.everyProject && !ProjectService.isValidName(project) {
            throw .invalid(field: "projects", ProjectService.nameRule)
        }
        guard !scopes.isEmpty else { throw .invalid(field: "scopes", Self.scopesRule) }
        let token = AccessToken(
            id: "tok_" + Self.random(bytes: 9), name: name, projects: projects, scopes: scopes, createdAt: audit.now())
        let secret = Self.secretPrefix + Self.random(bytes: 32)
        do {
            try await store.saveToken(token, secretHash: Self.hash(secret))
            try await audit.record(.tokenCreate, by: actor, project: nil, target: token.id)
        } catch {
            throw .store("\(error)")
        }
        return Issued(token: token, secret: secret)
    }

    /// The live token `secret` belongs to, or `nil`.
    public func authenticate(_ secret: String) async throws(ConsoleError) -> AccessToken? {
        guard secret.hasPrefix(Self.secretPrefix), secret.count < 200 else { return nil }
        do { return try await store.token(secretHash: Self.hash(secret)) } catch { throw .store("\(error)") }
    }

    public func list() async throws(ConsoleError) -> [AccessToken] {
        do { return try await store.tokens() } catch { throw .store("\(error)") }
    }

    public func revoke(_ id: String, by actor: String) async throws(ConsoleError) {
        do {
            guard try await store.revokeToken(id: id, at: audit.now()) else { throw ConsoleError.noToken(id) }
            try await audit.record(.tokenRevoke, by: actor, project: nil, target: id)
        } catch let error as ConsoleError {
            throw error
        } catch {
            throw .store("\(error)")
        }
    }

    public static func hash(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// `count` random bytes from the system's generator, base64url without padding.
    static func random(bytes count: Int) -> String {
        let key = SymmetricKey(size: SymmetricKeySize(bitCount: count * 8))
        return key.withUnsafeBytes { Data($0) }.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static let nameRule = LocalizedText(
        en: "give the token a name of 1 to 100 characters (who or what uses it)",
        ar: "أعطِ الرمز اسمًا من 1 إلى 100 حرف (من يستخدمه أو ما يستخدمه)")
    static let projectsRule = LocalizedText(
        en: "name at least one project the token may touch, or * for every project",
        ar: "سمِّ مشروعًا واحدًا على الأقل يصل إليه الرمز، أو * لكل المشاريع")
    static let scopesRule = LocalizedText(
        en: "give at least one scope: read, write or admin", ar: "أعطِ نطاقًا واحدًا على الأقل: read أو write أو admin")
}
