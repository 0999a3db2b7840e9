/// A language Sheen speaks to its users in.
public enum Language: String, Sendable, CaseIterable, Codable {
    case en
    case ar
}
