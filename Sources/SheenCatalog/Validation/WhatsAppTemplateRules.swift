import Foundation
import SheenModel

/// Meta's limits for WhatsApp message templates (``WhatsAppTemplateLimits``), checked before submission so a recipe
/// never ships a template Meta would reject.
public enum WhatsAppTemplateRules {
    public static let maxNameLength = WhatsAppTemplateLimits.maxNameLength
    public static let maxBodyLength = WhatsAppTemplateLimits.maxBodyLength
    public static let maxHeaderLength = WhatsAppTemplateLimits.maxHeaderLength
    public static let maxFooterLength = WhatsAppTemplateLimits.maxFooterLength
    public static let maxButtons = WhatsAppTemplateLimits.maxButtons
    public static let maxButtonLabelLength = WhatsAppTemplateLimits.maxButtonLabelLength
    public static let languageCodes = WhatsAppTemplateLimits.languageCodes

    public static func isValidName(_ name: String) -> Bool { WhatsAppTemplateLimits.isValidName(name) }

    public static func variables(in text: String) -> [Int] { WhatsAppTemplateLimits.variables(in: text) }

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
