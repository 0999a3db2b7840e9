import Foundation

/// Removes credential values, and the headers that carry them, from any text before it is logged, journaled, shown in
/// an error or an event, or printed by a test.
///
/// Each secret is matched in the forms it takes on the way out: as is, base64 (standard and URL-safe), hex, and
/// JSON- or percent-escaped, so an adapter that echoes a request body or a provider that echoes a key is still caught.
public struct Redactor: Sendable {
    public static let mask = "[redacted]"

    /// Headers whose values are credentials or signatures, matched case-insensitively.
    public static let sensitiveHeaders: Set<String> = [
        "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key", "apikey",
        "stripe-signature", "webhook-signature", "svix-signature", "x-hub-signature", "x-hub-signature-256",
        "x-slack-signature", "x-twilio-signature", "x-tabby-signature", "x-infobip-signature", "tamara-token",
    ]

    /// The shortest value treated as a secret: shorter strings would mask ordinary words.
    public static let minimumLength = 6

    private let forms: [String]

    public init(secrets: some Sequence<String>) {
        var forms: Set<String> = []
        for secret in secrets where secret.count >= Self.minimumLength {
            forms.formUnion(Self.forms(of: secret))
        }
        // Longest first, so a secret that contains another is masked whole.
        self.forms = forms.sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }

    public static let none = Redactor(secrets: [String]())

    /// A redactor that also masks `more`.
    public func adding(_ more: some Sequence<String>) -> Redactor { Redactor(forms: forms, adding: more) }

    private init(forms existing: [String], adding more: some Sequence<String>) {
        var forms = Set(existing)
        for secret in more where secret.count >= Self.minimumLength { forms.formUnion(Self.forms(of: secret)) }
        self.forms = forms.sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }

    public func redact(_ text: String) -> String {
        var result = text
        for form in forms where result.contains(form) {
            result = result.replacingOccurrences(of: form, with: Self.mask)
        }
        return Self.redactHeaderLines(result)
    }

    /// Header pairs with sensitive values masked.
    public static func redact(headers: [(name: String, value: String)]) -> [(name: String, value: String)] {
        headers.map { sensitiveHeaders.contains($0.name.lowercased()) ? ($0.name, mask) : $0 }
    }

    /// `Authorization: Bearer …` and its kin inside free text (a logged request, an exception's description).
    static func redactHeaderLines(_ text: String) -> String {
        guard text.contains(":") || text.contains("=") else { return text }
        var result = text
        for name in sensitiveHeaders where result.range(of: name, options: .caseInsensitive) != nil {
            // The value runs to the end of the line, or of the JSON string that holds it.
            let pattern = "(?i)(\\b\(NSRegularExpression.escapedPattern(for: name))\"?\\s*[:=]\\s*\"?)[^\\r\\n\"]+"
            guard let expression = try? NSRegularExpression(pattern: pattern) else { continue }
            result = expression.stringByReplacingMatches(
                in: result, range: NSRange(result.startIndex..., in: result), withTemplate: "$1\(mask)")
        }
        return result
    }

    /// Every spelling of `secret` that could leave the process (the canary tests search output and files for these).
    public static func forms(of secret: String) -> Set<String> {
        let bytes = Data(secret.utf8)
        let base64 = bytes.base64EncodedString()
        let unpadded = base64.trimmingCharacters(in: CharacterSet(charactersIn: "="))
        let urlSafe = unpadded.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        var forms: Set<String> = [secret, base64, unpadded, urlSafe, hex, hex.uppercased(), jsonEscaped(secret)]
        if let percent = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics) { forms.insert(percent) }
        return forms.filter { $0.count >= minimumLength }
    }

    static func jsonEscaped(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "/": result += "\\/"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value > 0x7e {
                    result += scalar.utf16.map { String(format: "\\u%04x", $0) }.joined()
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }
}
