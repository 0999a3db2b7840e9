/// A dotted verb a recipe asks for and a provider offers, such as `checkout.create` or `bnpl.authorize`.
public struct Capability: RawRepresentable, Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

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
