import SheenModel

/// Whether a delivery is genuine, and if not, why: a stable code for logs and metrics, words for people.
public enum Verdict: Sendable, Hashable {
    case genuine
    case rejected(Rejection)

    public var isGenuine: Bool { self == .genuine }
}

public enum Rejection: Error, Sendable, Hashable {
    case noSignatureHeader(String)
    case malformedSignature(String)
    /// Positive: the delivery is from the future; negative: from the past.
    case timestampOutsideTolerance(offset: Int)
    case noSignatureMatches
    case missingField(String)
    case malformedBody
    case invalidSecret
    case urlRequired
    case bodyHashMismatch

    /// Stable, for `--json`, metrics and the dead-letter table.
    public var code: String {
        switch self {
        case .noSignatureHeader: "no-signature-header"
        case .malformedSignature: "malformed-signature"
        case .timestampOutsideTolerance: "timestamp-outside-tolerance"
        case .noSignatureMatches: "no-signature-matches"
        case .missingField: "missing-field"
        case .malformedBody: "malformed-body"
        case .invalidSecret: "invalid-secret"
        case .urlRequired: "url-required"
        case .bodyHashMismatch: "body-hash-mismatch"
        }
    }

    public var message: LocalizedText {
        switch self {
        case .noSignatureHeader(let name):
            LocalizedText(en: "no signature header (\(name))", ar: "لا توجد ترويسة التوقيع (\(name))")
        case .malformedSignature(let name):
            LocalizedText(en: "malformed signature in \(name)", ar: "توقيع غير سليم في \(name)")
        case .timestampOutsideTolerance(let offset):
            LocalizedText(
                en: "timestamp outside tolerance (\(offset >= 0 ? "+" : "")\(offset) s)",
                ar: "الطابع الزمني خارج الحد المسموح (\(offset >= 0 ? "+" : "")\(offset) ث)")
        case .noSignatureMatches:
            LocalizedText(en: "no signature matches", ar: "لا يطابق أي توقيع")
        case .missingField(let field):
            LocalizedText(en: "the signed field '\(field)' is missing", ar: "الحقل الموقّع '\(field)' مفقود")
        case .malformedBody:
            LocalizedText(
                en: "the body is not the JSON this scheme signs", ar: "جسم الطلب ليس JSON الذي يوقّعه هذا المخطط")
        case .invalidSecret:
            LocalizedText(en: "the secret is not in this scheme's format", ar: "السر ليس بصيغة هذا المخطط")
        case .urlRequired:
            LocalizedText(en: "this scheme signs the URL: pass --url", ar: "هذا المخطط يوقّع العنوان: مرّر ‎--url")
        case .bodyHashMismatch:
            LocalizedText(en: "the body does not match bodySHA256", ar: "جسم الطلب لا يطابق bodySHA256")
        }
    }
}
