import Foundation

/// Meta's limits for WhatsApp message templates (`research/mena.md` §3: "Template fundamentals" and "Template
/// components"): one place for `sheen validate`, which refuses a recipe Meta would reject, and the Infobip simulator,
/// which refuses a submission the same way.
public enum WhatsAppTemplateLimits {
    public static let maxNameLength = 512
    public static let maxBodyLength = 1024
    public static let maxHeaderLength = 60
    public static let maxFooterLength = 60
    public static let maxButtons = 10
    public static let maxButtonLabelLength = 25

    /// Meta's template language codes in the region and the common ones beside them; codes are case-sensitive and use
    /// an underscore.
    public static let languageCodes: Set<String> = [
        "ar", "ar_EG", "ar_AE", "ar_LB", "ar_MA", "ar_QA", "en", "en_US", "en_GB", "en_AE", "en_QA", "fr", "ur", "hi",
        "fa", "tr", "es", "de", "id", "ms", "bn", "tl",
    ]

    public static let categories: Set<String> = ["MARKETING", "UTILITY", "AUTHENTICATION"]

    /// Whether Meta accepts `name`: `^[a-z0-9_]{1,512}$`.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= maxNameLength
            && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// The positional variables (`{{1}}`, `{{2}}`…) in `text`, in order of appearance.
    public static func variables(in text: String) -> [Int] {
        var result: [Int] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            rest = rest[open.upperBound...]
            guard let close = rest.range(of: "}}") else { break }
            if let number = Int(rest[..<close.lowerBound].trimmingCharacters(in: .whitespaces)) {
                result.append(number)
            }
            rest = rest[close.upperBound...]
        }
        return result
    }

    /// Whether the distinct variables of `text` are `{{1}}`…`{{n}}` with none skipped.
    public static func variablesAreSequential(_ text: String) -> Bool {
        let used = Set(variables(in: text)).sorted()
        return used.isEmpty || used == Array(1...used.count)
    }
}
