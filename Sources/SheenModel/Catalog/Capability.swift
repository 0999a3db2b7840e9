/// A dotted verb a recipe asks for and a provider offers, such as `checkout.create` or `bnpl.authorize`.
///
/// A capability remembers where it was written, for diagnostics; the location takes no part in equality.
public struct Capability: RawRepresentable, Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let rawValue: String
    public let location: SourceLocation?

    public init(rawValue: String) {
        self.init(rawValue, at: nil)
    }

    public init(_ rawValue: String, at location: SourceLocation?) {
        self.rawValue = rawValue
        self.location = location
    }

    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static func == (lhs: Capability, rhs: Capability) -> Bool { lhs.rawValue == rhs.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }

    public var description: String { rawValue }
    public static func < (lhs: Capability, rhs: Capability) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One entry of the capability vocabulary (`Capabilities/*.yaml`): what the verb means, in both languages.
public struct CapabilityDefinition: Sendable, Hashable {
    public var id: Capability
    public var summary: LocalizedText
    public var location: SourceLocation?

    public init(id: Capability, summary: LocalizedText, location: SourceLocation? = nil) {
        self.id = id
        self.summary = summary
        self.location = location
    }
}
