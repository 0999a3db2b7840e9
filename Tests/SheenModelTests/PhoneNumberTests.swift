import Foundation
import SheenModel
import Testing

/// Phone numbers against libphonenumber's own answers (`Vectors/phone_numbers_mena.json`, copied from
/// `../shared/research/vectors/`, where its provenance is recorded).
@Suite("Mobile numbers: libphonenumber's parse cases and numbering plans")
struct PhoneNumberTests {
    static var vectors: [String: Any] {
        guard let url = Bundle.module.url(forResource: "Vectors/phone_numbers_mena", withExtension: "json"),
            let data = try? Data(contentsOf: url),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [:] }
        return object
    }

    @Test("each parse case: a valid mobile gives libphonenumber's E.164; a landline or an invalid number is refused")
    func parseCases() throws {
        let cases = try #require(Self.vectors["parse_cases"] as? [[String: Any]])
        #expect(cases.count == 27)
        for entry in cases {
            let input = try #require(entry["input"] as? String)
            let region = try #require(CountryCode(rawValue: entry["region"] as? String ?? ""))
            let mobile = entry["valid"] as? Bool == true && entry["type"] as? String == "MOBILE"
            switch PhoneNumber.parse(input, region: region) {
            case .success(let number):
                #expect(mobile, "\(input) in \(region) is not a mobile, yet it parsed")
                #expect(number.e164 == entry["e164"] as? String, "\(input)")
                #expect(number.region == region)
            case .failure(let problem):
                #expect(!mobile, "\(input) in \(region): \(problem)")
                guard case .notMobile(_, let named, let example) = problem else {
                    Issue.record("\(input): \(problem)")
                    continue
                }
                #expect(named == region && (try? PhoneNumber.parse(example, region: nil).get()) != nil)
            }
        }
    }

    @Test("every region's example mobile parses, in E.164 and in its national and international forms")
    func examples() throws {
        let regions = try #require(Self.vectors["regions"] as? [String: [String: Any]])
        #expect(regions.count == 14)
        for (code, region) in regions {
            let market = try #require(CountryCode(rawValue: code))
            let e164 = try #require(region["example_mobile_e164"] as? String)
            for form in ["example_mobile_e164", "example_mobile_national", "example_mobile_international"] {
                let text = try #require(region[form] as? String)
                #expect((try? PhoneNumber.parse(text, region: market).get())?.e164 == e164, "\(code) \(form): \(text)")
            }
            #expect(PhoneNumber.example(in: market)?.e164 == e164)
        }
    }

    @Test("people's ways of writing a number: 00, spaces, dashes, brackets, direction marks, Arabic-Indic digits")
    func writtenForms() {
        let saudi = CountryCode(rawValue: "SA")
        for text in [
            "+966 51 234 5678", "00966512345678", "(051) 234-5678", "051.234.5678", "\u{200F}+966512345678\u{200E}",
            "٠٥١٢٣٤٥٦٧٨", "+٩٦٦٥١٢٣٤٥٦٧٨", "۰۵۱۲۳۴۵۶۷۸",
        ] {
            #expect((try? PhoneNumber.parse(text, region: saudi).get())?.e164 == "+966512345678", "\(text)")
        }
        let number = try? PhoneNumber.parse("+20 100 123 4567", region: nil).get()
        #expect(number?.digits == "201001234567" && number?.nationalNumber == "1001234567")
        #expect(number?.region == CountryCode(rawValue: "EG"))
    }

    @Test("refusals name the problem and the fix, in English and Arabic")
    func refusals() {
        let saudi = CountryCode(rawValue: "SA")
        let cases: [(String, CountryCode?, PhoneNumber.Problem)] = [
            ("call me", saudi, .notANumber("call me")),
            ("", saudi, .notANumber("")),
            ("0512345678", nil, .needsCountryCode("0512345678")),
            ("+1 202 555 0101", nil, .unknownCountryCode("+1 202 555 0101")),
            ("0111234567", saudi, .notMobile("0111234567", region: saudi!, example: "+966512345678")),
            ("+96651234567", nil, .notMobile("+96651234567", region: saudi!, example: "+966512345678")),
        ]
        for (text, region, expected) in cases {
            guard case .failure(let problem) = PhoneNumber.parse(text, region: region) else {
                Issue.record("\(text) parsed")
                continue
            }
            #expect(problem == expected)
            #expect(problem.message(.en) != problem.message(.ar) && !problem.message(.ar).isEmpty)
        }
        #expect(
            PhoneNumber.Problem.notMobile("x", region: saudi!, example: "+966512345678").message(.en).contains(
                "+966512345678"))
    }

    @Test("encodes and decodes as its E.164 text; a bad one fails to decode")
    func codable() throws {
        let number = try PhoneNumber.parse("+971501234567", region: nil).get()
        let data = try JSONEncoder().encode([number])
        #expect(String(decoding: data, as: UTF8.self) == #"["+971501234567"]"#)
        #expect(try JSONDecoder().decode([PhoneNumber].self, from: data) == [number])
        #expect(throws: DecodingError.self) {
            _ = try JSONDecoder().decode([PhoneNumber].self, from: Data(#"["0501234567"]"#.utf8))
        }
    }
}
