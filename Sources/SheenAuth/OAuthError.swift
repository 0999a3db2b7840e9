import SheenModel

/// Why a token could not be obtained, in English and Arabic. Messages carry the server's error code and description
/// (RFC 6749 §5.2), never a credential.
public enum OAuthError: Error, Sendable, Equatable {
    /// The token endpoint refused: `invalid_client`, `invalid_grant`, `unauthorized_client`, …
    case refused(status: Int, error: String, description: String?)
    /// The endpoint answered something that is not a token response.
    case malformedResponse(status: Int)
    case unreachable(String)
    case invalidServiceAccount(String)
    case stateMismatch
    case authorizationDenied(error: String, description: String?)
    case noRefreshToken
    case timedOut

    /// A failure worth trying again later: the endpoint was busy (429), failing (5xx), unreachable or slow. A refusal
    /// of the credentials is not: retrying it only locks the account out sooner.
    public var isTransient: Bool {
        switch self {
        case .refused(let status, _, _), .malformedResponse(let status): status == 429 || status >= 500
        case .unreachable, .timedOut: true
        default: false
        }
    }

    public var message: LocalizedText {
        switch self {
        case .refused(let status, let error, let description):
            LocalizedText(
                en: "the token endpoint refused (\(status) \(error)" + (description.map { ": \($0)" } ?? "") + ")",
                ar: "رفضت نقطة الرموز الطلب (\(status) \(error)" + (description.map { ": \($0)" } ?? "") + ")")
        case .malformedResponse(let status):
            LocalizedText(
                en: "the token endpoint answered \(status) without a token",
                ar: "أجابت نقطة الرموز بالحالة \(status) دون رمز")
        case .unreachable(let reason):
            LocalizedText(
                en: "the token endpoint is unreachable: \(reason)", ar: "تعذر الوصول إلى نقطة الرموز: \(reason)")
        case .invalidServiceAccount(let reason):
            LocalizedText(
                en: "the service account key is not usable: \(reason)", ar: "مفتاح حساب الخدمة غير صالح: \(reason)")
        case .stateMismatch:
            LocalizedText(
                en: "the authorization answer did not carry the state Sheen sent; it was ignored",
                ar: "لم يحمل رد التفويض الحالة التي أرسلها شين؛ فتم تجاهله")
        case .authorizationDenied(let error, let description):
            LocalizedText(
                en: "authorization was not granted (\(error)" + (description.map { ": \($0)" } ?? "") + ")",
                ar: "لم يُمنح التفويض (\(error)" + (description.map { ": \($0)" } ?? "") + ")")
        case .noRefreshToken:
            LocalizedText(
                en: "the connection has no refresh token; authorize it again",
                ar: "لا يملك الاتصال رمز تحديث؛ أعد تفويضه")
        case .timedOut:
            LocalizedText(en: "no authorization arrived in time", ar: "لم يصل التفويض في الوقت المحدد")
        }
    }
}
