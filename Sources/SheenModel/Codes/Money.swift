/// An amount of money as an integer count of minor units, so 1.500 KWD is `Money(1500, .KWD)` and never a float.
public struct Money: Sendable, Hashable, Codable, CustomStringConvertible {
    public var minorUnits: Int64
    public var currency: CurrencyCode

    public init(minorUnits: Int64, currency: CurrencyCode) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// Parses a decimal string such as `"1.5"` or `"12.345"` in `currency`.
    ///
    /// Returns `nil` when the text is not a plain decimal number or has more fraction digits than the currency has
    /// minor units: rounding money silently is how ledgers drift.
    public init?(decimal text: String, currency: CurrencyCode) {
        guard let exponent = currency.exponent else { return nil }
        var body = Substring(text)
        let negative = body.hasPrefix("-")
        if negative { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = parts.first, !whole.isEmpty,
            whole.allSatisfy(\.isASCIIDigit)
        else { return nil }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.allSatisfy(\.isASCIIDigit), fraction.count <= exponent, parts.count == 1 || !fraction.isEmpty
        else { return nil }
        let padded = String(fraction) + String(repeating: "0", count: exponent - fraction.count)
        guard let units = Int64(String(whole) + padded) else { return nil }
        self.init(minorUnits: negative ? -units : units, currency: currency)
    }

    /// The amount with exactly the currency's decimals: `1.500 KWD`, `2.75 SAR`.
    public var description: String { "\(decimalString) \(currency)" }

    public var decimalString: String {
        let exponent = currency.exponent ?? 0
        let magnitude = minorUnits.magnitude
        let sign = minorUnits < 0 ? "-" : ""
        guard exponent > 0 else { return sign + String(magnitude) }
        var divisor: UInt64 = 1
        for _ in 0..<exponent { divisor *= 10 }
        let fraction = String(magnitude % divisor)
        return sign + String(magnitude / divisor) + "." + String(repeating: "0", count: exponent - fraction.count)
            + fraction
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
