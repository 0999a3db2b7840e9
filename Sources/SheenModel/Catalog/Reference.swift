/// A reference by id from one catalog entry to another, remembering where it was written so a dangling one can be
/// reported at its own line.
public struct Reference: Sendable, Hashable, CustomStringConvertible {
    public var id: String
    public var location: SourceLocation?

    public init(_ id: String, at location: SourceLocation? = nil) {
        self.id = id
        self.location = location
    }

    public var description: String { id }
}
