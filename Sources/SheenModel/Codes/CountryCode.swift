/// An ISO 3166-1 alpha-2 country code, the unit Sheen calls a *market*.
public struct CountryCode: RawRepresentable, Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// Accepts only assigned ISO 3166-1 alpha-2 codes, in upper case.
    public init?(rawValue: String) {
        guard Self.table[rawValue] != nil else { return nil }
        self.rawValue = rawValue
    }

    public var englishName: String { Self.table[rawValue] ?? rawValue }
    public var description: String { rawValue }

    public static func < (lhs: CountryCode, rhs: CountryCode) -> Bool { lhs.rawValue < rhs.rawValue }

    /// All assigned codes, sorted.
    public static var all: [String] { table.keys.sorted() }

    /// Names people type for a market that are not ISO codes, with the code they mean.
    public static let commonMistakes: [String: String] = [
        "KSA": "SA", "UAE": "AE", "UK": "GB", "EU": "DE", "SAU": "SA", "ARE": "AE", "KWT": "KW", "BHR": "BH",
        "QAT": "QA", "OMN": "OM", "EGY": "EG", "JOR": "JO",
    ]
}

extension CountryCode {
    /// The currency a market's shoppers pay in by default, for the markets Sheen's recipes target.
    public var localCurrency: CurrencyCode? {
        let table: [String: String] = [
            "SA": "SAR", "AE": "AED", "KW": "KWD", "BH": "BHD", "QA": "QAR", "OM": "OMR", "EG": "EGP", "JO": "JOD",
            "US": "USD", "GB": "GBP", "DE": "EUR", "FR": "EUR", "NL": "EUR", "IE": "EUR", "ES": "EUR", "IT": "EUR",
            "CA": "CAD", "AU": "AUD", "SG": "SGD", "IN": "INR", "JP": "JPY",
        ]
        return table[rawValue].flatMap(CurrencyCode.init(rawValue:))
    }
}

extension CountryCode {
    /// The Arab League's members, whose users read Arabic whatever else a project serves.
    private static let arabicSpeaking: Set<String> = [
        "AE", "BH", "DJ", "DZ", "EG", "IQ", "JO", "KM", "KW", "LB", "LY", "MA", "MR", "OM", "PS", "QA", "SA", "SD",
        "SO", "SY", "TN", "YE",
    ]

    public var isArabicSpeaking: Bool { Self.arabicSpeaking.contains(rawValue) }
}
