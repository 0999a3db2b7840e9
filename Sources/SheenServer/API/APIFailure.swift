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

    func response(correlation: String) -> Response {
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
                    en: "a valid token is needed: send 'Authorization: Bearer <token>' (create one with 'sheen tokens create')",
                    ar: "يلزم رمز صالح: أرسل 'Authorization: Bearer <token>' (أنشئ واحدًا بـ 'sheen tokens create')")
            return APIResponse.error(
                .unauthorized, code: "unauthenticated", text, correlation: correlation, headers: headers)
        case .missingScope(let scope):
            return APIResponse.error(
                .forbidden, code: "missing-scope",
                LocalizedText(
                    en: "this token lacks the \(scope.rawValue) scope this route needs",
                    ar: "ينقص هذا الرمز النطاق \(scope.rawValue) الذي يحتاجه هذا المسار"), correlation: correlation)
        case .forbiddenProject(let project):
            return APIResponse.error(
                .forbidden, code: "forbidden-project",
                LocalizedText(
                    en: "this token may not touch project \(project)", ar: "لا يحق لهذا الرمز الوصول إلى المشروع \(project)"),
                correlation: correlation)
        case .needsProject:
            return APIResponse.error(
                .forbidden, code: "forbidden-project",
                LocalizedText(
                    en: "this token is limited to some projects: add ?project=<name>",
                    ar: "هذا الرمز مقصور على مشاريع بعينها: أضف ?project=<name>"), correlation: correlation)
        case .crossOrigin:
            return APIResponse.error(
                .forbidden, code: "cross-origin",
                LocalizedText(
                    en: "a request from another site may not act with the dashboard's cookie",
                    ar: "لا يجوز لطلب من موقع آخر أن يعمل بملف تعريف الارتباط الخاص باللوحة"), correlation: correlation)
        case .rateLimited(let wait):
            let seconds = max(1, Int(wait.components.seconds) + (wait.components.attoseconds > 0 ? 1 : 0))
            var headers = HTTPFields()
            headers[.retryAfter] = String(seconds)
            return APIResponse.error(
                .tooManyRequests, code: "rate-limited",
                LocalizedText(
                    en: "too many requests with this token; retry in \(seconds) s",
                    ar: "طلبات كثيرة بهذا الرمز؛ أعد المحاولة بعد \(seconds) ث"), correlation: correlation,
                headers: headers)
        case .tooLarge(let limit):
            return APIResponse.error(
                .contentTooLarge, code: "too-large",
                LocalizedText(en: "the body is larger than \(limit) bytes", ar: "جسم الطلب أكبر من \(limit) بايت"),
                correlation: correlation)
        case .badJSON(let error):
            let (field, detail) = Self.describe(error)
            return APIResponse.error(
                .badRequest, code: "bad-json",
                LocalizedText(
                    en: "the body is not the JSON this route takes: \(detail)",
                    ar: "جسم الطلب ليس JSON الذي يأخذه هذا المسار: \(detail)"), field: field, correlation: correlation)
        case .invalid(let field, let text):
            return APIResponse.error(
                .unprocessableContent, code: "invalid-request", text, field: field, correlation: correlation)
        case .notFound(let text):
            return APIResponse.error(.notFound, code: "not-found", text, correlation: correlation)
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
