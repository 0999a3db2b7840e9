import Foundation
import SheenModel
internal import Yams

extension DocumentDecoder {
    /// Catalog ids: kebab-case ASCII, so they are safe in file names, URLs, idempotency keys and shell arguments.
    static func isValidID(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, ("a"..."z").contains(first), text.count <= 64 else {
            return false
        }
        return text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
            && !text.hasSuffix("-") && !text.contains("--")
    }

    func id(_ node: Node, path: String) -> String? {
        guard let text = string(node, path: path) else { return nil }
        guard Self.isValidID(text) else {
            report(.invalidIdentifier(path: path, value: text), at: node)
            return nil
        }
        return text
    }

    func market(_ node: Node, path: String) -> CountryCode? {
        guard let text = string(node, path: path) else { return nil }
        if let code = CountryCode(rawValue: text) { return code }
        let suggestion =
            CountryCode.commonMistakes[text.uppercased()]
            ?? CountryCode(rawValue: text.uppercased())?.rawValue
            ?? Suggestion.closest(to: text, in: ["SA", "AE", "KW", "BH", "QA", "OM", "EG", "JO"])
        report(.unknownMarket(text, suggestion: suggestion), at: node)
        return nil
    }

    /// Tried first for "did you mean", so `SRR` suggests SAR rather than an alphabetically earlier IRR.
    static let regionalCurrencies = ["SAR", "AED", "KWD", "BHD", "QAR", "OMR", "EGP", "JOD", "USD", "EUR", "GBP"]

    func currency(_ node: Node, path: String) -> CurrencyCode? {
        guard let text = string(node, path: path) else { return nil }
        if let code = CurrencyCode(rawValue: text) { return code }
        let suggestion =
            CurrencyCode(rawValue: text.uppercased())?.rawValue
            ?? Suggestion.closest(to: text.uppercased(), in: Self.regionalCurrencies)
            ?? Suggestion.closest(to: text.uppercased(), in: CurrencyCode.all)
        report(.unknownCurrency(text, suggestion: suggestion), at: node)
        return nil
    }

    func environment(_ node: Node, path: String) -> DeploymentEnvironment? {
        choice(node, path: path, as: DeploymentEnvironment.self)
    }

    /// An amount written as a decimal in `currency`, kept exact in minor units.
    func money(_ node: Node, path: String, currency: CurrencyCode) -> Money? {
        guard case .scalar(let scalar) = node else {
            report(.wrongType(path: path, expected: "a string", found: Self.kind(of: node)), at: node)
            return nil
        }
        guard let money = Money(decimal: scalar.string, currency: currency) else {
            report(
                .invalidAmount(
                    path: path, value: scalar.string, currency: currency.rawValue, exponent: currency.exponent ?? 0),
                at: node)
            return nil
        }
        return money
    }

    /// An `https` URL, or `http` on loopback for simulators and local development.
    /// An https URL (http only to loopback). `{field}` placeholders are allowed; `fields` checks they name
    /// credential fields (the manifest's own URLs), and `nil` skips that check where no manifest is in scope.
    /// `schemes` adds others a caller accepts (a database server's `postgres://`).
    func url(_ node: Node, path: String, fields: [String]? = nil, schemes: Set<String> = []) -> String? {
        guard let text = string(node, path: path) else { return nil }
        let template = URLTemplate(text)
        if let fields {
            for placeholder in template.placeholders where !fields.contains(placeholder) {
                report(.unknownURLField(path: path, field: placeholder, fields: fields), at: node)
                return nil
            }
        }
        guard let components = URLComponents(string: template.sample), let host = components.host, !host.isEmpty,
            components.scheme == "https"
                || (components.scheme == "http" && ["localhost", "127.0.0.1", "::1"].contains(host))
                || components.scheme.map(schemes.contains) == true
        else {
            report(.invalidURL(path: path, value: text), at: node)
            return nil
        }
        return text
    }
}

extension DocumentDecoder {
    /// An environment variable name as shells and dotenv files accept it: `A-Z`, digits and `_`, not starting with a
    /// digit.
    func variableName(_ node: Node, path: String) -> String? {
        guard let text = string(node, path: path) else { return nil }
        let valid =
            !text.isEmpty && !(text.first?.isNumber ?? true)
            && text.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
        guard valid else {
            report(.invalidIdentifier(path: path, value: text), at: node)
            return nil
        }
        return text
    }
}

extension MappingReader {
    func id(_ key: String = "id") -> String? {
        guard let node = required(key) else { return nil }
        return decoder.id(node, path: child(key))
    }

    func markets(_ key: String, required isRequired: Bool = false) -> [CountryCode]? {
        codes(key, required: isRequired) { decoder.market($0, path: $1) }
    }

    func currencies(_ key: String, required isRequired: Bool = false) -> [CurrencyCode]? {
        codes(key, required: isRequired) { decoder.currency($0, path: $1) }
    }

    func environments(_ key: String) -> [DeploymentEnvironment]? {
        codes(key, required: false) { decoder.environment($0, path: $1) }
    }

    private func codes<Code: Hashable & RawRepresentable>(
        _ key: String, required isRequired: Bool, parse: (Node, String) -> Code?
    ) -> [Code]? where Code.RawValue == String {
        guard let items = list(key, required: isRequired) else { return nil }
        var result: [Code] = []
        for (node, path) in items {
            guard let code = parse(node, path) else { continue }
            if result.contains(code) {
                decoder.report(.duplicateEntry(path: child(key), value: code.rawValue), at: node)
            } else {
                result.append(code)
            }
        }
        return result
    }
}
