import Foundation
import JWTKit

/// Tamara: the notification is authenticated by `tamaraToken`, an HS256 JWT keyed by the merchant's notification
/// token, sent as a query parameter and as `Authorization: Bearer`. Verified with jwt-kit; an expired token is refused.
enum TamaraSignature {
    static let parameter = "tamaraToken"

    struct Claims: JWTPayload {
        var iat: IssuedAtClaim?
        var exp: ExpirationClaim?
        var iss: IssuerClaim?

        func verify(using algorithm: some JWTAlgorithm) async throws { try exp?.verifyNotExpired() }
    }

    static func sign(secret: String, now: Date) async throws(WebhookError) -> String {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        let claims = Claims(
            iat: IssuedAtClaim(value: now), exp: ExpirationClaim(value: now.addingTimeInterval(3600)),
            iss: IssuerClaim(value: "Tamara"))
        do { return try await keys.sign(claims) } catch { throw .invalidSecret }
    }

    static func verify(_ request: WebhookRequest, secret: String) async -> Verdict {
        let bearer = request.headers["Authorization"].flatMap { value -> String? in
            value.lowercased().hasPrefix("bearer ") ? String(value.dropFirst(7)) : nil
        }
        guard let token = request.query(parameter) ?? bearer else { return .rejected(.noSignatureHeader(parameter)) }
        guard token.split(separator: ".").count == 3 else { return .rejected(.malformedSignature(parameter)) }
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        do {
            _ = try await keys.verify(token, as: Claims.self)
            return .genuine
        } catch let error as JWTError where error.errorType == .claimVerificationFailure {
            return .rejected(.timestampOutsideTolerance(offset: 0))
        } catch {
            return .rejected(.noSignatureMatches)
        }
    }
}
