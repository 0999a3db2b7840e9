import Foundation
import SheenEngine
import SheenModel

/// Why an API or dashboard use case refused: a stable code for programs and a message in both languages. The server
/// maps each to an HTTP status; the CLI prints the message.
public enum ConsoleError: Error, Sendable {
    /// A field of the request is missing or malformed.
    case invalid(field: String, LocalizedText)
    case noProject(String)
    case projectExists(String)
    case noToken(String)
    case noLaunch(Int64)
    case noEvent(Int64)
    case noConnection(String)
    /// The idempotency key was used before with another request body.
    case idempotencyConflict(key: String, launch: Int64)
    /// The use case below refused (a plan that cannot resolve, a connection the manifest rejects).
    case refused(code: String, LocalizedText)
    case store(String)

    public var code: String {
        switch self {
        case .invalid: "invalid-request"
        case .noProject: "no-such-project"
        case .projectExists: "project-exists"
        case .noToken: "no-such-token"
        case .noLaunch: "no-such-launch"
        case .noEvent: "no-such-event"
        case .noConnection: "no-such-connection"
        case .idempotencyConflict: "idempotency-key-reused"
        case .refused(let code, _): code
        case .store: "store-unavailable"
        }
    }

    public var field: String? {
        if case .invalid(let field, _) = self { return field }
        return nil
    }

    public var message: LocalizedText {
        switch self {
        case .invalid(_, let text), .refused(_, let text): text
        case .noProject(let name):
            LocalizedText(en: "no project named \(name)", ar: "لا مشروع باسم \(name)")
        case .projectExists(let name):
            LocalizedText(
                en: "a project named \(name) exists already; pick another name",
                ar: "يوجد مشروع باسم \(name) بالفعل؛ اختر اسمًا آخر")
        case .noToken(let id): LocalizedText(en: "no live token \(id)", ar: "لا رمز ساري المفعول \(id)")
        case .noLaunch(let id):
            LocalizedText(en: "no launch \(id) in this project", ar: "لا إطلاق \(id) في هذا المشروع")
        case .noEvent(let id): LocalizedText(en: "no event \(id) in this project", ar: "لا حدث \(id) في هذا المشروع")
        case .noConnection(let reference):
            LocalizedText(en: "no connection \(reference) in this project", ar: "لا اتصال \(reference) في هذا المشروع")
        case .idempotencyConflict(let key, let launch):
            LocalizedText(
                en:
                    "Idempotency-Key \(key) was used for launch \(launch) with another body; send the same body to get that launch, or use a new key",
                ar:
                    "استُخدم مفتاح Idempotency-Key \(key) للإطلاق \(launch) بجسم آخر؛ أرسل الجسم نفسه لتحصل على ذلك الإطلاق، أو استخدم مفتاحًا جديدًا"
            )
        case .store:
            LocalizedText(
                en: "the store could not be reached; try again", ar: "تعذر الوصول إلى مخزن الحالة؛ حاول مرة أخرى")
        }
    }
}
