import Foundation
import SheenModel

/// Meta's limits for WhatsApp message templates, checked before submission so a recipe never ships a template Meta
/// would reject (`research/mena.md` §3: "Template fundamentals" and "Template components").
public enum WhatsAppTemplateRules {
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

    /// Every problem of `template`, as (problem, where) pairs.
    static func problems(in template: Recipe.MessageTemplate) -> [(CatalogProblem, SourceLocation?)] {
        var problems: [(CatalogProblem, SourceLocation?)] = []
        let at = template.location
        if template.channel == .whatsapp {
            if !isValidName(template.name) { problems.append((.whatsappTemplateName(template.name), at)) }
            if template.category == nil { problems.append((.whatsappCategoryMissing(name: template.name), at)) }
        }
        for language in Language.allCases
        where !template.variants.contains(where: {
            $0.language == language.rawValue || $0.language.hasPrefix(language.rawValue + "_")
        }) {
            problems.append((.templateMissingLanguage(name: template.name, language: language), at))
        }
        for variant in template.variants {
            let variantLocation = variant.location ?? at
            if template.channel == .whatsapp {
                if !languageCodes.contains(variant.language) {
                    let normalized = variant.language.replacingOccurrences(of: "-", with: "_")
                    let suggestion =
                        languageCodes.contains(normalized)
                        ? normalized : Suggestion.closest(to: variant.language, in: languageCodes.sorted())
                    problems.append(
                        (.whatsappLanguage(code: variant.language, suggestion: suggestion), variantLocation))
                }
                if variant.body.count > maxBodyLength {
                    problems.append(
                        (
                            .whatsappTextTooLong(part: "body", length: variant.body.count, limit: maxBodyLength),
                            variantLocation
                        ))
                }
                if let header = variant.header {
                    if header.count > maxHeaderLength {
                        problems.append(
                            (
                                .whatsappTextTooLong(part: "header", length: header.count, limit: maxHeaderLength),
                                variantLocation
                            ))
                    }
                    let count = variables(in: header).count
                    if count > 1 { problems.append((.whatsappHeaderVariables(count: count), variantLocation)) }
                }
                if let footer = variant.footer, footer.count > maxFooterLength {
                    problems.append(
                        (
                            .whatsappTextTooLong(part: "footer", length: footer.count, limit: maxFooterLength),
                            variantLocation
                        ))
                }
                if variant.buttons.count > maxButtons {
                    problems.append(
                        (.whatsappTooManyButtons(count: variant.buttons.count, limit: maxButtons), variantLocation))
                }
                for label in variant.buttons where label.count > maxButtonLabelLength {
                    problems.append(
                        (
                            .whatsappButtonTooLong(label: label, length: label.count, limit: maxButtonLabelLength),
                            variantLocation
                        ))
                }
            }
            let used = Set(variables(in: (variant.header ?? "") + " " + variant.body))
            if !used.isEmpty {
                let sorted = used.sorted()
                if sorted != Array(1...sorted.count) {
                    problems.append((.templateVariablesNotSequential(found: sorted), variantLocation))
                }
            }
        }
        // Meta takes one set of examples per template; check it once, against the variant using the most variables.
        let mostVariables =
            template.variants.map { Set(variables(in: ($0.header ?? "") + " " + $0.body)).count }.max() ?? 0
        if template.channel == .whatsapp, mostVariables > template.examples.count {
            problems.append(
                (.templateExampleMissing(variable: template.examples.count + 1, examples: template.examples.count), at))
        }
        return problems
    }
}
