import SheenModel
import Testing

@Suite("ISO codes")
struct CodeTests {
    @Test("accepts assigned country codes only, in upper case")
    func countries() {
        #expect(CountryCode(rawValue: "SA") != nil)
        #expect(CountryCode(rawValue: "sa") == nil)
        #expect(CountryCode(rawValue: "KSA") == nil)
        #expect(CountryCode(rawValue: "XX") == nil)
        #expect(CountryCode.all.count == 249)
    }

    @Test("maps the common non-ISO market names to their code")
    func mistakes() {
        #expect(CountryCode.commonMistakes["KSA"] == "SA")
        #expect(CountryCode.commonMistakes["UAE"] == "AE")
    }

    @Test("knows each MENA market's local currency")
    func localCurrency() {
        #expect(CountryCode(rawValue: "KW")?.localCurrency?.rawValue == "KWD")
        #expect(CountryCode(rawValue: "EG")?.localCurrency?.rawValue == "EGP")
    }
}
