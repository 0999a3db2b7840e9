import SheenModel
import Testing

@Suite("Money")
struct MoneyTests {
    @Test(
        "parses decimals into exact minor units",
        arguments: [
            ("12.345", "KWD", 12_345), ("12.34", "SAR", 1234), ("1", "BHD", 1000), ("0.5", "OMR", 500), ("7", "JPY", 7),
        ])
    func parses(text: String, code: String, minor: Int64) throws {
        let currency = try #require(CurrencyCode(rawValue: code))
        #expect(Money(decimal: text, currency: currency)?.minorUnits == minor)
    }

    @Test(
        "refuses more decimals than the currency has, and anything that is not a plain number",
        arguments: [
            ("1.234", "SAR"), ("1.5", "JPY"), ("1,5", "SAR"), ("1.", "SAR"), (".5", "SAR"), ("1e3", "SAR"), ("", "SAR"),
        ])
    func refuses(text: String, code: String) throws {
        let currency = try #require(CurrencyCode(rawValue: code))
        #expect(Money(decimal: text, currency: currency) == nil)
    }

    @Test("prints with the currency's own decimals")
    func prints() throws {
        let kwd = try #require(CurrencyCode(rawValue: "KWD"))
        #expect(Money(minorUnits: 1500, currency: kwd).description == "1.500 KWD")
        #expect(Money(minorUnits: -5, currency: kwd).description == "-0.005 KWD")
    }

    @Test(
        "knows the ISO 4217 exponents of the region",
        arguments: [
            ("SAR", 2), ("AED", 2), ("QAR", 2), ("EGP", 2), ("KWD", 3), ("BHD", 3), ("OMR", 3), ("JOD", 3), ("IQD", 3),
            ("TND", 3),
        ])
    func exponents(code: String, exponent: Int) {
        #expect(CurrencyCode(rawValue: code)?.exponent == exponent)
    }
}
