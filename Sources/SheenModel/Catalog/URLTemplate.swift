import Foundation

/// A URL from a manifest that may name credential fields as `{field}`: Auth0's API lives on the tenant's domain,
/// Cloudinary's under the cloud name. The catalog checks each placeholder names a field of the same manifest; a
/// connection fills them in.
public struct URLTemplate: Sendable, Hashable {
    public var text: String

    public init(_ text: String) { self.text = text }

    /// The field names between braces, in order of appearance.
    public var placeholders: [String] {
        var names: [String] = []
        var rest = text[...]
        while let open = rest.firstIndex(of: "{") {
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "}") else { break }
            names.append(String(rest[afterOpen..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }

    /// The URL with each placeholder replaced, or the first field `values` lacks.
    public func expanded(with values: [String: String]) -> Result<String, MissingField> {
        var result = text
        for name in placeholders {
            guard let value = values[name], !value.isEmpty else { return .failure(MissingField(name: name)) }
            result = result.replacingOccurrences(of: "{\(name)}", with: value)
        }
        return .success(result)
    }

    /// The same URL with every placeholder replaced by a neutral word, so its shape can be checked before any
    /// connection exists.
    public var sample: String {
        placeholders.reduce(text) { $0.replacingOccurrences(of: "{\($1)}", with: "sample") }
    }

    public struct MissingField: Error, Sendable, Hashable {
        public var name: String

        public init(name: String) { self.name = name }
    }
}
