/// An active ISO 4217 currency code with its minor-unit exponent.
public struct CurrencyCode: RawRepresentable, Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// Accepts only active ISO 4217 alphabetic codes, in upper case.
    public init?(rawValue: String) {
        guard Self.table[rawValue] != nil else { return nil }
        self.rawValue = rawValue
    }

    /// Digits after the decimal point (KWD, BHD, OMR, JOD: 3; JPY: 0); `nil` for codes without minor units.
    public var exponent: Int? { Self.table[rawValue]?.exponent }
    public var englishName: String { Self.table[rawValue]?.name ?? rawValue }
    public var numericCode: String { Self.table[rawValue]?.numeric ?? "" }
    public var description: String { rawValue }

    public static func < (lhs: CurrencyCode, rhs: CurrencyCode) -> Bool { lhs.rawValue < rhs.rawValue }

    public static var all: [String] { table.keys.sorted() }
}
