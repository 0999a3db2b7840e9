/// A text in English and Arabic; every user-facing string in the catalog has both.
public struct LocalizedText: Sendable, Hashable, Codable {
    public var en: String
    public var ar: String

    public init(en: String, ar: String) {
        self.en = en
        self.ar = ar
    }

    /// The text in `language`.
    public func callAsFunction(_ language: Language) -> String {
        switch language {
        case .en: en
        case .ar: ar
        }
    }
}
