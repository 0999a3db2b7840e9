import SheenModel

/// Why a secret could not be sealed or opened. Messages never contain key material or plaintext.
public enum SecretError: Error, Sendable, Equatable {
    /// Tampered, truncated, moved to another row, or sealed under a key that does not match.
    case corrupt
    case unknownKey(String)
    case unsupportedFormat(UInt8)
    case noKey(hint: String)
    case keyFileUnsafe(path: String, mode: String)
    case keyFileUnreadable(path: String, reason: String)
    case invalidKey(source: String)
    case keyInUse(String)
    case keyNotFound(String)
    case cannotRetireCurrent(String)

    public var message: LocalizedText {
        switch self {
        case .corrupt:
            LocalizedText(
                en:
                    "a stored secret failed its integrity check (tampered, truncated, or sealed for another connection)",
                ar: "فشل سرّ مخزّن في فحص السلامة (عُبث به أو اقتُطع أو خُتم لاتصال آخر)")
        case .unknownKey(let id):
            LocalizedText(
                en: "a stored secret is wrapped by key '\(id)', which this keyring does not hold",
                ar: "سرّ مخزّن مغلّف بالمفتاح '\(id)' غير الموجود في حلقة المفاتيح هذه")
        case .unsupportedFormat(let version):
            LocalizedText(
                en: "a stored secret uses format \(version), which this version of sheen cannot read",
                ar: "سرّ مخزّن يستخدم الصيغة \(version) التي لا يقرؤها هذا الإصدار من sheen")
        case .noKey(let hint):
            LocalizedText(
                en: "no key-encryption key is available: \(hint)", ar: "لا يتوفر مفتاح تشفير المفاتيح: \(hint)")
        case .keyFileUnsafe(let path, let mode):
            LocalizedText(
                en: "the key file '\(path)' is readable by others (mode \(mode)); run 'chmod 600 \(path)'",
                ar: "ملف المفاتيح '\(path)' مقروء لغير مالكه (الصلاحيات \(mode))؛ شغّل 'chmod 600 \(path)'")
        case .keyFileUnreadable(let path, let reason):
            LocalizedText(
                en: "cannot read the key file '\(path)': \(reason)", ar: "تعذرت قراءة ملف المفاتيح '\(path)': \(reason)"
            )
        case .invalidKey(let source):
            LocalizedText(
                en: "\(source) is not a base64 256-bit key (generate one with 'openssl rand -base64 32')",
                ar: "\(source) ليس مفتاحًا بطول 256 بت بترميز base64 (أنشئ واحدًا بالأمر 'openssl rand -base64 32')")
        case .keyInUse(let id):
            LocalizedText(
                en: "key '\(id)' still wraps stored secrets; run 'sheen keys rotate' first",
                ar: "المفتاح '\(id)' ما زال يغلّف أسرارًا مخزّنة؛ شغّل 'sheen keys rotate' أولًا")
        case .keyNotFound(let id):
            LocalizedText(en: "no key '\(id)' in the keyring", ar: "لا يوجد مفتاح '\(id)' في حلقة المفاتيح")
        case .cannotRetireCurrent(let id):
            LocalizedText(
                en: "key '\(id)' is the current key; rotate to a new one before retiring it",
                ar: "المفتاح '\(id)' هو المفتاح الحالي؛ بدّل إلى مفتاح جديد قبل إيقافه")
        }
    }
}
