import Foundation

/// A mobile number in E.164 (`+966512345678`), parsed the way people type them in the region: national (`050 123
/// 4567`), international (`+966 50 …`, `00966…`), in Arabic-Indic (`٠٥٠…`) or Extended Arabic-Indic (`۰۵۰…`) digits,
/// with spaces, dashes, dots, brackets and direction marks. Only mobiles pass: they are what receives an OTP or a
/// WhatsApp message.
///
/// The numbering plans are libphonenumber's (`research/vectors/phone_numbers_mena.json`, from its
/// `PhoneNumberMetadata.xml`), for the markets Sheen's recipes serve.
public struct PhoneNumber: Sendable, Hashable, Codable, CustomStringConvertible {
    /// `+` country code national number.
    public let e164: String
    /// The market whose numbering plan it belongs to.
    public let region: CountryCode

    public var description: String { e164 }

    /// E.164 without the `+` (`966512345678`), as Unifonic and Infobip take recipients.
    public var digits: String { String(e164.dropFirst()) }

    /// The national significant number (`512345678`), without country code or trunk prefix.
    public var nationalNumber: String {
        String(digits.dropFirst(String(NumberingPlan.plans[region]?.countryCode ?? 0).count))
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        switch Self.parse(text, region: nil) {
        case .success(let number): self = number
        case .failure(let problem):
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(problem)"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(e164)
    }

    private init(e164: String, region: CountryCode) {
        self.e164 = e164
        self.region = region
    }

    /// Why a text is not a mobile number Sheen can use.
    public enum Problem: Error, Sendable, Hashable, CustomStringConvertible {
        /// Nothing but separators, or letters among the digits.
        case notANumber(String)
        /// Written nationally, with no market to read it in.
        case needsCountryCode(String)
        /// A country code outside the markets Sheen knows the numbering of.
        case unknownCountryCode(String)
        /// Not a mobile number of `region` (a landline, a wrong prefix or length); `example` is one that is.
        case notMobile(String, region: CountryCode, example: String)

        public var description: String { message(.en) }

        public func message(_ language: Language) -> String {
            switch self {
            case .notANumber(let text):
                language == .ar
                    ? "«\(text)» ليس رقم هاتف: اكتب الأرقام فقط، مثل ‎+966512345678"
                    : "'\(text)' is not a phone number: write digits only, e.g. +966512345678"
            case .needsCountryCode(let text):
                language == .ar
                    ? "«\(text)» مكتوب بصيغة محلية: أضف رمز الدولة، مثل ‎+966512345678"
                    : "'\(text)' is written nationally: add the country code, e.g. +966512345678"
            case .unknownCountryCode(let text):
                language == .ar
                    ? "يتحقق شين من أرقام الجوال في \(NumberingPlan.supported) فقط، ورمز الدولة في «\(text)» ليس منها"
                    : "Sheen checks mobile numbers of \(NumberingPlan.supported) only, and '\(text)' is outside them"
            case .notMobile(let text, let region, let example):
                language == .ar
                    ? "«\(text)» ليس رقم جوال في \(region.rawValue): مثال صحيح ‎\(example)"
                    : "'\(text)' is not a mobile number in \(region.rawValue) (\(region.englishName)): e.g. \(example)"
            }
        }
    }

    /// Parses `text` as a mobile number; written nationally, it is read in `region`.
    public static func parse(_ text: String, region: CountryCode?) -> Result<PhoneNumber, Problem> {
        var digits = ""
        var international = false
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x30...0x39: digits.unicodeScalars.append(scalar)
            // Arabic-Indic and Extended Arabic-Indic digits: the same ten, shifted.
            case 0x660...0x669: digits.append(Character(String(scalar.value - 0x660)))
            case 0x6F0...0x6F9: digits.append(Character(String(scalar.value - 0x6F0)))
            case 0x2B where digits.isEmpty && !international: international = true
            // Separators people type, and the direction marks an RTL editor leaves around a number.
            case 0x20, 0x2D, 0x2E, 0x28, 0x29, 0xA0, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: continue
            default: return .failure(.notANumber(text))
            }
        }
        guard !digits.isEmpty else { return .failure(.notANumber(text)) }
        if !international, digits.hasPrefix("00") {
            international = true
            digits.removeFirst(2)
        }
        let plan: NumberingPlan
        var national: Substring
        if international {
            guard let found = NumberingPlan.plans.values.first(where: { digits.hasPrefix(String($0.countryCode)) })
            else { return .failure(.unknownCountryCode(text)) }
            plan = found
            national = digits.dropFirst(String(found.countryCode).count)
        } else {
            guard let region else { return .failure(.needsCountryCode(text)) }
            guard let found = NumberingPlan.plans[region] else { return .failure(.unknownCountryCode(text)) }
            plan = found
            national = Substring(digits)
            if let trunk = plan.trunkPrefix, national.hasPrefix(trunk) { national = national.dropFirst(trunk.count) }
        }
        guard plan.lengths.contains(national.count), plan.isMobile(String(national)) else {
            return .failure(.notMobile(text, region: plan.region, example: plan.example))
        }
        return .success(PhoneNumber(e164: "+\(plan.countryCode)\(national)", region: plan.region))
    }

    /// A valid example mobile of `region` (libphonenumber's own fictitious test number), for the sandbox.
    public static func example(in region: CountryCode) -> PhoneNumber? {
        NumberingPlan.plans[region].flatMap { try? parse($0.example, region: region).get() }
    }
}

/// One market's mobile numbering: country code, trunk prefix, the national significant number's pattern and lengths.
struct NumberingPlan: Sendable {
    let region: CountryCode
    let countryCode: Int
    let trunkPrefix: String?
    let pattern: String
    let lengths: Set<Int>
    let example: String

    func isMobile(_ national: String) -> Bool {
        guard let regex = try? Regex("^(?:\(pattern))$") else { return false }
        return national.wholeMatch(of: regex) != nil
    }

    static var supported: String { plans.keys.map(\.rawValue).sorted().joined(separator: ", ") }

    /// libphonenumber's mobile patterns (`PhoneNumberMetadata.xml`, phonenumbers 9.0.43).
    static let plans: [CountryCode: NumberingPlan] = {
        let rows: [(String, Int, String?, String, Set<Int>, String)] = [
            ("SA", 966, "0", #"579[0-8]\d{5}|5(?:[013-689]\d|7[0-8])\d{6}"#, [9], "+966512345678"),
            ("AE", 971, "0", #"5[02-68]\d{7}"#, [9], "+971501234567"),
            ("EG", 20, "0", #"1[0-25]\d{8}"#, [10], "+201001234567"),
            (
                "KW", 965, nil,
                #"(?:41\d\d|5(?:(?:[05]\d|1[0-7]|6[56])\d|2(?:22|5[25])|7(?:55|77)|88[58]|999)|6(?:(?:0[034679]|5[015-9]|6\d)\d|1(?:00|11|6[16])|2[26]2|3[36]3|4[46]4|7(?:0[013-9]|[67]\d)|8[68]8|9(?:[069]\d|3[039]))|9(?:(?:[04679]\d|8[057-9])\d|1(?:00|1[01]|99)|2(?:00|2\d)|3(?:00|3[03])|5(?:00|5\d)))\d{4}"#,
                [8], "+96550012345"
            ),
            (
                "BH", 973, nil,
                #"(?:3(?:[0-79]\d|8[0-57-9])\d|6(?:3(?:00|33|6[16])|441|6(?:3[03-9]|[69]\d|7[0-689])))\d{4}"#, [8],
                "+97336001234"
            ),
            ("QA", 974, nil, #"[35-7]\d{7}"#, [8], "+97433123456"),
            ("OM", 968, nil, #"(?:1505|90[1-9]\d)\d{4}|(?:7[124-9]|9[1-9])\d{6}"#, [8], "+96892123456"),
            ("JO", 962, "0", #"(?:427|7(?:11|[29]\d|[78][0-25-9]))\d{6}"#, [9], "+962790123456"),
            ("IQ", 964, "0", #"7[3-9]\d{8}"#, [10], "+9647912345678"),
            ("LB", 961, "0", #"(?:(?:3|81)\d|7(?:[01]\d|6[013-9]|8[7-9]|9[0-4]))\d{5}"#, [7, 8], "+96171123456"),
            (
                "MA", 212, "0", #"(?:6(?:[0-79]\d|8[0-247-9])|7(?:[016-8]\d|2[0-8]|3[01]|5[0-5]))\d{6}"#, [9],
                "+212650123456"
            ),
            (
                "TN", 216, nil, #"3(?:001|[12]40)\d{4}|(?:(?:[259]\d|4[0-8])\d|3(?:1[1-35]|6[0-4]|91))\d{5}"#, [8],
                "+21620123456"
            ),
            ("DZ", 213, "0", #"5(?:4[0-29]|6[0-4])\d{6}|(?:55|6\d|7[7-9])\d{7}"#, [9], "+213551234567"),
            ("LY", 218, "0", #"9[1-6]\d{7}"#, [9], "+218912345678"),
        ]
        var plans: [CountryCode: NumberingPlan] = [:]
        for (code, country, trunk, pattern, lengths, example) in rows {
            guard let region = CountryCode(rawValue: code) else { continue }
            plans[region] = NumberingPlan(
                region: region, countryCode: country, trunkPrefix: trunk, pattern: pattern, lengths: lengths,
                example: example)
        }
        return plans
    }()
}
