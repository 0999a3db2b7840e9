import Foundation

/// A recipe's message templates as one step input (a plan's inputs are strings): compact JSON with sorted keys, so the
/// same templates give the same input hash, and any change to a template's text makes its submitting step an update.
public struct TemplateInput: Codable, Sendable, Hashable {
    public struct Variant: Codable, Sendable, Hashable {
        public var language: String
        public var header: String?
        public var body: String
        public var footer: String?
        public var buttons: [String]
    }

    public var name: String
    public var category: String
    public var examples: [String]
    public var variants: [Variant]

    public init(_ template: Recipe.MessageTemplate) {
        name = template.name
        category = template.category?.rawValue ?? "UTILITY"
        examples = template.examples
        variants = template.variants.map {
            Variant(language: $0.language, header: $0.header, body: $0.body, footer: $0.footer, buttons: $0.buttons)
        }
    }

    /// `templates` as the input's text.
    public static func encode(_ templates: [Recipe.MessageTemplate]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(templates.map(TemplateInput.init))) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// The templates of an input's text; `nil` when it is not one.
    public static func decode(_ text: String) -> [TemplateInput]? {
        try? JSONDecoder().decode([TemplateInput].self, from: Data(text.utf8))
    }
}
