import Foundation

/// What a launch's test steps need from the project that no provider can supply: whom to send the test OTP to, the
/// sender names to check, the addresses of the test shipment, and an enterprise customer's identity provider
/// (`owner:`, `senders:`, `shipping:` and `sso:` in `sheen.yaml`). Manifest steps name what they need (`needs: [owner.phone]`); the planner hands each its values.
public struct LaunchSettings: Sendable, Hashable {
    /// A setting a step can need, by the dotted name it has in `sheen.yaml` and in manifests.
    public enum Key: String, Sendable, Hashable, CaseIterable, Codable {
        case ownerPhone = "owner.phone"
        case ownerEmail = "owner.email"
        case smsSender = "senders.sms"
        case whatsappSender = "senders.whatsapp"
        case emailFrom = "senders.email"
        case shipFrom = "shipping.from"
        case shipTo = "shipping.to"
        case ssoMetadataURL = "sso.metadata_url"
    }

    /// A shipment's end: who, their phone, and where.
    public struct Address: Sendable, Hashable, Codable {
        public var name: String
        public var phone: PhoneNumber
        public var line1: String
        public var city: String
        public var country: CountryCode
        public var postalCode: String?

        public init(
            name: String, phone: PhoneNumber, line1: String, city: String, country: CountryCode,
            postalCode: String? = nil
        ) {
            self.name = name
            self.phone = phone
            self.line1 = line1
            self.city = city
            self.country = country
            self.postalCode = postalCode
        }
    }

    public var ownerPhone: PhoneNumber?
    public var ownerEmail: String?
    /// An alphanumeric SMS sender ID (at most 11 characters), as registered with the SMS provider.
    public var smsSender: String?
    /// The WhatsApp Business number messages come from.
    public var whatsappSender: PhoneNumber?
    public var emailFrom: String?
    public var shipFrom: Address?
    public var shipTo: Address?
    /// The SAML metadata URL of the identity provider an enterprise customer signs in with (Auth0's SSO connection).
    public var ssoMetadataURL: String?

    public init(
        ownerPhone: PhoneNumber? = nil, ownerEmail: String? = nil, smsSender: String? = nil,
        whatsappSender: PhoneNumber? = nil, emailFrom: String? = nil, shipFrom: Address? = nil, shipTo: Address? = nil,
        ssoMetadataURL: String? = nil
    ) {
        self.ssoMetadataURL = ssoMetadataURL
        self.ownerPhone = ownerPhone
        self.ownerEmail = ownerEmail
        self.smsSender = smsSender
        self.whatsappSender = whatsappSender
        self.emailFrom = emailFrom
        self.shipFrom = shipFrom
        self.shipTo = shipTo
    }

    /// An SMS sender ID as carriers take it: 1–11 letters, digits, spaces, `-`, `.` or `&`, with a letter.
    public static func isValidSenderID(_ value: String) -> Bool {
        (1...11).contains(value.count) && value.contains(where: \.isLetter)
            && value.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                    || " -.&".unicodeScalars.contains($0)
            }
    }

    /// The value of `key` as a step input; an address as `name|phone|line1|city|country|postal code`.
    public func value(_ key: Key) -> String? {
        switch key {
        case .ownerPhone: ownerPhone?.e164
        case .ownerEmail: ownerEmail
        case .smsSender: smsSender
        case .whatsappSender: whatsappSender?.e164
        case .emailFrom: emailFrom
        case .shipFrom: shipFrom.map(Self.encode)
        case .shipTo: shipTo.map(Self.encode)
        case .ssoMetadataURL: ssoMetadataURL
        }
    }

    /// What the sandbox uses for `key` when the project leaves it out, in `market`: libphonenumber's example mobile,
    /// a test sender, addresses in the market's capital.
    public static func sandboxValue(_ key: Key, market: CountryCode) -> String? {
        let phone = PhoneNumber.example(in: market) ?? CountryCode(rawValue: "SA").flatMap(PhoneNumber.example(in:))
        let city = capitals[market.rawValue] ?? market.englishName
        switch key {
        case .ownerPhone, .whatsappSender: return phone?.e164
        case .ownerEmail: return "owner@example.com"
        case .smsSender: return "SheenTest"
        case .emailFrom: return "launch@example.com"
        case .ssoMetadataURL: return "https://idp.example.com/saml/metadata"
        case .shipFrom, .shipTo:
            guard let phone else { return nil }
            let name = key == .shipFrom ? "Sheen test warehouse" : "Sheen test customer"
            let line = key == .shipFrom ? "1 Test Warehouse Street" : "2 Test Customer Street"
            return encode(Address(name: name, phone: phone, line1: line, city: city, country: market))
        }
    }

    static let capitals: [String: String] = [
        "SA": "Riyadh", "AE": "Dubai", "KW": "Kuwait City", "BH": "Manama", "QA": "Doha", "OM": "Muscat",
        "EG": "Cairo", "JO": "Amman",
    ]

    /// `address` as one step input (a plan's inputs are strings).
    public static func encode(_ address: Address) -> String {
        [
            address.name, address.phone.e164, address.line1, address.city, address.country.rawValue,
            address.postalCode ?? "",
        ]
        .map { $0.replacingOccurrences(of: "|", with: "/") }.joined(separator: "|")
    }

    /// An address from its step input; `nil` when it is not one.
    public static func decodeAddress(_ text: String) -> Address? {
        let parts = text.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6, let phone = try? PhoneNumber.parse(parts[1], region: nil).get(),
            let country = CountryCode(rawValue: parts[4])
        else { return nil }
        return Address(
            name: parts[0], phone: phone, line1: parts[2], city: parts[3], country: country,
            postalCode: parts[5].isEmpty ? nil : parts[5])
    }
}
