import Foundation
import HTTPTypes
import Hummingbird
import SheenEngine
import SheenModel

/// Refusals the HTTP layer makes itself, before or around a use case.
enum APIFailure: Error {
    case unauthenticated(malformed: Bool)
    case missingScope(AccessToken.Scope)
    case forbiddenProject(String)
    case needsProject
    case crossOrigin
    case rateLimited(Duration)
    case tooLarge(Int)
    case badJSON(DecodingError?)
    case invalid(field: String, LocalizedText)
    case notFound(LocalizedText)

    /// What the refusal says, for the dashboard, which shows it on the page instead of as JSON.
    var text: LocalizedText { parts.text }

    func response(correlation: String) -> Response {
        let parts = parts
        return APIResponse.error(
            parts.status, code: parts.code, parts.text, field: parts.field, correlation: correlation,
            headers: parts.headers)
    }

    private var parts:
        (status: HTTPResponse.Status, code: String, text: LocalizedText, field: String?, headers: HTTPFields)
    {
        switch self {
        case .unauthenticated(let malformed):
            var headers = HTTPFields()
            headers[.wwwAuthenticate] = "Bearer realm=\"sheen\""
            let text =
                malformed
                ? LocalizedText(
                    en: "the Authorization header must be 'Bearer <token>'",
                    ar: "يجب أن تكون ترويسة Authorization بالشكل 'Bearer <token>'")
                : LocalizedText(
                    en:
                        "a valid token is needed: send 'Authorization: Bearer <token>' (create one with 'sheen tokens create')",
                    ar: "يلزم رمز صالح: أرسل 'Authorization: Bearer <token>' (أنشئ واحدًا بـ 'sheen tokens create')")
            return (.unauthorized, "unauthenticated", text, nil, headers)
        case .missingScope(let scope):
            return (
                .forbidden, "missing-scope",
                LocalizedText(
                    en: "this token lacks the \(scope.rawValue) scope this route needs",
                    ar: "ينقص هذا الرمز النطاق \(scope.rawValue) الذي يحتاجه هذا المسار"), nil, HTTPFields()
            )
        case .forbiddenProject(let project):
            return (
                .forbidden, "forbidden-project",
                LocalizedText(
                    en: "this token may not touch project \(project)",
                    ar: "لا يحق لهذا الرمز الوصول إلى المشروع \(project)"), nil, HTTPFields()
            )
        case .needsProject:
            return (
                .forbidden, "forbidden-project",
                LocalizedText(
                    en: "this token is limited to some projects: add ?project=<name>",
                    ar: "هذا الرمز مقصور على مشاريع بعينها: أضف ?project=<name>"), nil, HTTPFields()
            )
        case .crossOrigin:
            return (
                .forbidden, "cross-origin",
                LocalizedText(
                    en: "a request from another site may not act with the dashboard's cookie",
                    ar: "لا يجوز لطلب من موقع آخر أن يعمل بملف تعريف الارتباط الخاص باللوحة"), nil, HTTPFields()
            )
        case .rateLimited(let wait):
            let seconds = max(1, Int(wait.components.seconds) + (wait.components.attoseconds > 0 ? 1 : 0))
            var headers = HTTPFields()
            headers[.retryAfter] = String(seconds)
            return (
                .tooManyRequests, "rate-limited",
                LocalizedText(
                    en: "too many requests with this token; retry in \(seconds) s",
                    ar: "طلبات كثيرة بهذا الرمز؛ أعد المحاولة بعد \(seconds) ث"), nil, headers
            )
        case .tooLarge(let limit):
            return (
                .contentTooLarge, "too-large",
                LocalizedText(en: "the body is larger than \(limit) bytes", ar: "جسم الطلب أكبر من \(limit) بايت"), nil,
                HTTPFields()
            )
        case .badJSON(let error):
            let (field, detail) = Self.describe(error)
            return (
                .badRequest, "bad-json",
                LocalizedText(
                    en: "the body is not the JSON this route takes: \(detail)",
                    ar: "جسم الطلب ليس JSON الذي يأخذه هذا المسار: \(detail)"), field, HTTPFields()
            )
        case .invalid(let field, let text):
            return (.unprocessableContent, "invalid-request", text, field, HTTPFields())
        case .notFound(let text):
            return (.notFound, "not-found", text, nil, HTTPFields())
        }
    }

    /// Which field, and what was wrong with it, in words a caller can act on.
    static func describe(_ error: DecodingError?) -> (String?, String) {
        func path(_ keys: [any CodingKey]) -> String? {
            keys.isEmpty ? nil : keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context)?:
            let field = path(context.codingPath + [key]) ?? key.stringValue
            return (field, "\(field) is missing")
        case .typeMismatch(let type, let context)?:
            let field = path(context.codingPath)
            return (field, "\(field ?? "the body") should be \(Self.name(of: type))")
        case .valueNotFound(let type, let context)?:
            let field = path(context.codingPath)
            return (field, "\(field ?? "the body") should be \(Self.name(of: type)), not null")
        case .dataCorrupted(let context)?:
            let field = path(context.codingPath)
            return (field, field.map { "\($0) has a value it cannot take" } ?? "it is not valid JSON")
        default:
            return (nil, "it is not valid JSON")
        }
    }

    static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int64.Type, is Double.Type: "a number"
        case is [String].Type, is [Any].Type: "an array"
        default: "an object"
        }
    }
}
