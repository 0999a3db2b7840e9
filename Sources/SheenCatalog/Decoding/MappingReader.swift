import SheenModel
internal import Yams

/// Reads the keys of one YAML mapping and, on `finish()`, reports every key nobody asked for.
///
/// The set of keys a decoder asks for *is* the schema of that mapping, so unknown-key detection and its "did you
/// mean" hint never drift from the decoding code.
final class MappingReader {
    let decoder: DocumentDecoder
    let node: Node
    let path: String
    private let pairs: [(key: String, keyNode: Node, value: Node)]
    private var asked: [String] = []

    init(decoder: DocumentDecoder, node: Node, mapping: Node.Mapping, path: String) {
        self.decoder = decoder
        self.node = node
        self.path = path
        var pairs: [(String, Node, Node)] = []
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                decoder.report(
                    .wrongType(path: "\(path) key", expected: "a string", found: DocumentDecoder.kind(of: key)), at: key
                )
                continue
            }
            pairs.append((scalar.string, key, value))
        }
        self.pairs = pairs
    }

    var location: SourceLocation { decoder.location(of: node) }
    var keys: [String] { pairs.map(\.key) }

    func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The value under `key`, if present; marks `key` as part of the schema.
    func value(_ key: String) -> Node? {
        asked.append(key)
        return pairs.first { $0.key == key }?.value
    }

    /// The value under `key`; reports it missing when absent.
    func required(_ key: String) -> Node? {
        guard let node = value(key) else {
            decoder.report(.missingKey(key: key, path: path.isEmpty ? "the file" : "'\(path)'"), at: self.node)
            return nil
        }
        return node
    }

    /// The location of the key itself (for "duplicate id" pointing at `id:`).
    func keyLocation(_ key: String) -> SourceLocation {
        pairs.first { $0.key == key }.map { decoder.location(of: $0.keyNode) } ?? location
    }

    func string(_ key: String, required isRequired: Bool = false) -> String? {
        guard let node = isRequired ? required(key) : value(key) else { return nil }
        return decoder.string(node, path: child(key))
    }

    func located(_ key: String, required isRequired: Bool = false) -> Reference? {
        guard let node = isRequired ? required(key) : value(key) else { return nil }
        return decoder.string(node, path: child(key)).map { Reference($0, at: decoder.location(of: node)) }
    }

    func bool(_ key: String, default fallback: Bool) -> Bool {
        guard let node = value(key) else { return fallback }
        return decoder.bool(node, path: child(key)) ?? fallback
    }

    func int(_ key: String, required isRequired: Bool = false, range: ClosedRange<Int>? = nil) -> Int? {
        guard let node = isRequired ? required(key) : value(key) else { return nil }
        return decoder.int(node, path: child(key), range: range)
    }

    func double(_ key: String, required isRequired: Bool = false, range: ClosedRange<Double>? = nil) -> Double? {
        guard let node = isRequired ? required(key) : value(key) else { return nil }
        return decoder.double(node, path: child(key), range: range)
    }

    func mapping(_ key: String, required isRequired: Bool = false) -> MappingReader? {
        guard let node = isRequired ? required(key) : value(key) else { return nil }
        return decoder.mapping(node, path: child(key))
    }

    /// The items under `key`, each with its own path (`key[0]`, `key[1]`…).
    func list(_ key: String, required isRequired: Bool = false) -> [(node: Node, path: String)]? {
        guard let node = isRequired ? required(key) : value(key) else { return nil }
        guard let items = decoder.list(node, path: child(key)) else { return nil }
        return items.enumerated().map { ($0.element, "\(child(key))[\($0.offset)]") }
    }

    /// A list of strings, each located; duplicates are reported.
    func references(_ key: String, required isRequired: Bool = false) -> [Reference]? {
        guard let items = list(key, required: isRequired) else { return nil }
        var seen = Set<String>()
        var result: [Reference] = []
        for (node, path) in items {
            guard let text = decoder.string(node, path: path) else { continue }
            guard seen.insert(text).inserted else {
                decoder.report(.duplicateEntry(path: child(key), value: text), at: node)
                continue
            }
            result.append(Reference(text, at: decoder.location(of: node)))
        }
        return result
    }

    /// A `{en: …, ar: …}` text; both languages are required, since every user-facing string is bilingual.
    func localized(_ key: String, required isRequired: Bool = false) -> LocalizedText? {
        guard let reader = mapping(key, required: isRequired) else { return nil }
        let en = reader.string("en")
        let ar = reader.string("ar")
        if en == nil, reader.value("en") == nil {
            decoder.report(.missingTranslation(path: child(key), language: .en), at: reader.node)
        }
        if ar == nil, reader.value("ar") == nil {
            decoder.report(.missingTranslation(path: child(key), language: .ar), at: reader.node)
        }
        reader.finish()
        guard let en, let ar else { return nil }
        return LocalizedText(en: en, ar: ar)
    }

    /// A value from a closed set, with "did you mean" on a typo.
    func choice<Value: RawRepresentable & CaseIterable>(
        _ key: String, as type: Value.Type, required isRequired: Bool = false, aliases: [String: Value] = [:]
    ) -> Value? where Value.RawValue == String {
        guard let node = isRequired ? required(key) : value(key) else { return nil }
        return decoder.choice(node, path: child(key), as: type, aliases: aliases)
    }

    /// Reports every key of the mapping that no one asked for.
    func finish() {
        for pair in pairs where !asked.contains(pair.key) {
            let hint = Suggestion.closest(to: pair.key, in: asked)
            let path = path.isEmpty ? "the file" : "'\(path)'"
            decoder.report(.unknownKey(key: pair.key, path: path, suggestion: hint), at: pair.keyNode)
        }
    }
}

extension DocumentDecoder {
    func choice<Value: RawRepresentable & CaseIterable>(
        _ node: Node, path: String, as type: Value.Type, aliases: [String: Value] = [:]
    ) -> Value? where Value.RawValue == String {
        guard let text = string(node, path: path) else { return nil }
        if let value = Value(rawValue: text) ?? aliases[text] { return value }
        let allowed = Value.allCases.map(\.rawValue)
        report(
            .invalidChoice(
                path: path, value: text, allowed: allowed, suggestion: Suggestion.closest(to: text, in: allowed)),
            at: node)
        return nil
    }
}
