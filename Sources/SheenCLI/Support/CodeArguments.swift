import ArgumentParser
import SheenCatalog
import SheenModel

/// Parses market, currency and capability arguments, turning a typo into a usage error with a suggestion.
enum CodeArguments {
    /// For `@Option(transform:)`: parsed once, while the arguments are read, in the language asked for.
    static func market(_ text: String) throws -> CountryCode { try market(text, language: .requested) }

    static func currency(_ text: String) throws -> CurrencyCode { try currency(text, language: .requested) }

    static func market(_ text: String, language: Language) throws -> CountryCode {
        if let code = CountryCode(rawValue: text.uppercased()) { return code }
        let suggestion = CountryCode.commonMistakes[text.uppercased()]
        throw ValidationError(
            unknown(
                kind: CLIMessage.kindMarket(language), value: text, candidates: [], language: language,
                suggestion: suggestion))
    }

    static func currency(_ text: String, language: Language) throws -> CurrencyCode {
        if let code = CurrencyCode(rawValue: text.uppercased()) { return code }
        throw ValidationError(
            unknown(
                kind: CLIMessage.kindCurrency(language), value: text, candidates: CurrencyCode.all,
                language: language))
    }

    static func capability(_ text: String?, in catalog: Catalog, language: Language) throws -> Capability? {
        guard let text else { return nil }
        let capability = Capability(rawValue: text)
        guard catalog.capabilities[capability] == nil else { return capability }
        throw ValidationError(
            unknown(
                kind: CLIMessage.kindCapability(language), value: text,
                candidates: catalog.capabilities.keys.map(\.rawValue).sorted(), language: language))
    }

    static func unknown(
        kind: String, value: String, candidates: [String], language: Language, suggestion: String? = nil
    ) -> String {
        let guess = suggestion ?? Suggestion.closest(to: value, in: candidates)
        // With no close match, a short list of what exists is the most useful answer.
        let known = candidates.count <= 30 && !candidates.isEmpty ? candidates.sorted().joined(separator: ", ") : nil
        switch language {
        case .en:
            return "unknown \(kind) '\(value)'"
                + (guess.map { "; did you mean '\($0)'?" } ?? known.map { "; known: \($0)" } ?? "")
        case .ar:
            return "\(kind) غير معروف '\(value)'"
                + (guess.map { "؛ هل تقصد '\($0)'؟" } ?? known.map { "؛ المعروف: \($0)" } ?? "")
        }
    }
}
