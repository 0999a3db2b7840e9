import Foundation

/// A delivery as it arrived: headers (names case-insensitive), the raw body bytes, and the URL it was sent to.
public struct WebhookRequest: Sendable {
    public var headers: WebhookHeaders
    public var body: Data
    /// The full URL the provider called, query included (Twilio signs it; Paymob and Tamara put values in it).
    public var url: String?

    public init(headers: WebhookHeaders, body: Data, url: String? = nil) {
        self.headers = headers
        self.body = body
        self.url = url
    }

    /// A query parameter of `url`.
    public func query(_ name: String) -> String? {
        guard let url else { return nil }
        return URLComponents(string: url)?.queryItems?.first { $0.name == name }?.value
    }
}

/// Header fields with case-insensitive names, in arrival order.
public struct WebhookHeaders: Sendable, Hashable {
    public private(set) var fields: [(name: String, value: String)]

    public init(_ fields: [(name: String, value: String)] = []) { self.fields = fields }

    public init(_ dictionary: [String: String]) {
        self.fields = dictionary.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Parses `Name: value` lines as `curl -D` writes them: a status line, blank lines and CRLFs are allowed.
    public init(lines text: String) {
        var fields: [(String, String)] = []
        for raw in text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("HTTP/") { continue }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if !name.isEmpty { fields.append((name, value)) }
        }
        self.fields = fields
    }

    /// The first value of `name`, any case.
    public subscript(name: String) -> String? {
        fields.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    public mutating func set(_ name: String, _ value: String) {
        fields.removeAll { $0.name.caseInsensitiveCompare(name) == .orderedSame }
        fields.append((name, value))
    }

    public static func == (lhs: WebhookHeaders, rhs: WebhookHeaders) -> Bool {
        lhs.fields.map { "\($0.name.lowercased()):\($0.value)" }
            == rhs.fields.map { "\($0.name.lowercased()):\($0.value)" }
    }

    public func hash(into hasher: inout Hasher) {
        for field in fields {
            hasher.combine(field.name.lowercased())
            hasher.combine(field.value)
        }
    }
}
