// swift-format-ignore-file: AlwaysUseLowerCamelCase
// Wire types spell fields as Tap does.

import Foundation

/// Everything the Tap simulator knows, as Tap's charge objects (research/providers.md §2; the docs mirror
/// skanderphilipp/tap-payment-guideline, reference/charges.md and docs/webhook.md).
public struct TapWorld: SimulatorWorld {
    public struct Charge: Codable, Sendable {
        public struct Transaction: Codable, Sendable {
            public struct Expiry: Codable, Sendable {
                public var period = 30
                public var type = "MINUTE"
            }
            public var timezone = "UTC+03:00"
            /// Unix milliseconds, as a string (it is signed into `hashstring` as written).
            public var created: String
            public var url: String
            public var expiry = Expiry()
            public var asynchronous = false
            public var amount: Decimal
            public var currency: String
        }
        public struct Reference: Codable, Sendable {
            public var track: String?
            public var transaction: String?
            public var order: String?
            public var idempotent: String?
            public var gateway: String?
            public var payment: String?
            public var acquirer: String?
        }
        public struct Outcome: Codable, Sendable {
            public var code: String
            public var message: String
        }
        public struct Phone: Codable, Sendable {
            public var country_code: String?
            public var number: String?
        }
        public struct Customer: Codable, Sendable {
            public var id: String?
            public var first_name: String?
            public var middle_name: String?
            public var last_name: String?
            public var email: String?
            public var phone: Phone?
        }
        /// `source` before payment (`src_…`); once paid by card, the token it was paid with.
        public struct Source: Codable, Sendable {
            public var object = "source"
            public var type: String?
            public var payment_type: String?
            public var payment_method: String?
            public var channel: String?
            public var id: String
        }
        public struct Endpoint: Codable, Sendable {
            public var attempt: Int?
            public var status: String
            public var url: String
        }
        public struct Security: Codable, Sendable {
            public struct ThreeDSecure: Codable, Sendable { public var status: String }
            public var threeDSecure: ThreeDSecure
        }
        public struct Gateway: Codable, Sendable { public var response: Outcome }
        public struct Card: Codable, Sendable {
            public var id: String
            public var object = "card"
            public var first_six: String
            public var first_eight: String
            public var scheme: String
            public var brand: String
            public var last_four: String
        }
        public struct Receipt: Codable, Sendable {
            public var id: String
            public var email = true
            public var sms = true
        }
        public struct Merchant: Codable, Sendable {
            public var country: String
            public var currency: String
            public var id: String
        }
        public struct Activity: Codable, Sendable {
            public var id: String
            public var object = "activity"
            /// Unix milliseconds, as a number here (unlike `transaction.created`).
            public var created: Int64
            public var status: String
            public var currency: String
            public var amount: Decimal
            public var remarks: String
        }

        public var id: String
        public var object = "charge"
        public var live_mode = false
        public var customer_initiated = true
        public var api_version = "V2"
        public var method = "POST"
        public var status: String
        public var amount: Decimal
        public var currency: String
        public var threeDSecure: Bool
        public var card_threeDSecure = false
        public var save_card = false
        public var merchant_id = ""
        public var product = ""
        public var description: String
        public var metadata: [String: String]
        public var transaction: Transaction
        public var reference: Reference
        public var response: Outcome
        /// Set once the customer has paid (3-D Secure, the issuer's answer, the card used).
        public var security: Security?
        public var gateway: Gateway?
        public var card: Card?
        public var receipt: Receipt
        public var customer: Customer
        public var merchant: Merchant
        public var source: Source
        public var redirect: Endpoint
        public var post: Endpoint?
        public var activities: [Activity]
        public var auto_reversed = false
    }

    public var charges: [String: Charge] = [:]
    /// `reference.idempotent` (per key) to the charge it made: Tap answers a repeat with that charge.
    public var idempotent: [String: String] = [:]
    /// The secret key each charge was made with: Tap signs its webhooks with the merchant's key.
    var keys: [String: String] = [:]
    public var ledger: [LedgerEntry] = []
    public var counter = 0

    public init() {}

    /// A receipt number as Tap prints them (digits only).
    mutating func receiptNumber(at date: Date) -> String {
        counter += 1
        return "20\(Int64(date.timeIntervalSince1970))\(String(format: "%06d", counter))"
    }

    mutating func newID(_ prefix: String, at date: Date) -> String {
        counter += 1
        return
            "\(prefix)_TS\(String(format: "%02d", counter % 100))\(Int(date.timeIntervalSince1970))x\(String(format: "%06d", counter))"
    }
}

/// `POST /v2/charges/list`'s answer.
struct ChargeList: Encodable {
    var object = "list"
    var live_mode = false
    var api_version = "V2"
    var count: Int
    var has_more: Bool
    var charges: [TapWorld.Charge]
}

/// Tap's published test cards (developers.tap.company/reference/testing-cards) and the outcome each gives on the
/// payment page. The page's own wording for the local schemes ("NOT CAPTURED") is not one of the charge statuses;
/// mapping it to FAILED (401) is this simulator's choice, unconfirmed.
public struct TapTestCard: Sendable, Hashable {
    public var number: String
    public var expiry: String
    public var scheme: String
    public var brand: String

    public init(number: String, expiry: String = "01/39", scheme: String, brand: String) {
        self.number = number
        self.expiry = expiry
        self.scheme = scheme
        self.brand = brand
    }

    /// The card the sandbox pays with when nobody picks one: the local scheme of the charge's source.
    static func standard(for source: String) -> TapTestCard {
        switch source {
        case "src_kw.knet": TapTestCard(number: "8888880000000001", expiry: "09/25", scheme: "KNET", brand: "KNET")
        case "src_bh.benefit", "src_benefitpay":
            TapTestCard(number: "4600410123456789", expiry: "12/27", scheme: "BENEFIT", brand: "BENEFIT")
        case "src_qa.qpay": TapTestCard(number: "4215375500883243", expiry: "12/25", scheme: "NAPS", brand: "NAPS")
        case "src_om.omannet", "src_omannet":
            TapTestCard(number: "4228230000000001", scheme: "OMANNET", brand: "OMANNET")
        default: TapTestCard(number: "4464040000000007", scheme: "MADA", brand: "VISA")
        }
    }

    /// A card typed on the payment page, recognised by its number.
    static func typed(_ number: String, expiry: String?) -> TapTestCard {
        let digits = number.filter(\.isNumber)
        let expiry = expiry ?? "01/39"
        let (scheme, brand): (String, String) =
            switch digits.prefix(6) {
            case "888888": ("KNET", "KNET")
            case "460041", "777777", "111111": ("BENEFIT", "BENEFIT")
            case "446404", "558848": ("MADA", digits.hasPrefix("4") ? "VISA" : "MASTERCARD")
            case "422823": ("OMANNET", "OMANNET")
            default:
                digits.hasPrefix("4")
                    ? ("VISA", "VISA")
                    : digits.hasPrefix("3") ? ("AMERICAN_EXPRESS", "AMEX") : ("MASTERCARD", "MASTERCARD")
            }
        return TapTestCard(number: digits, expiry: expiry, scheme: scheme, brand: brand)
    }

    /// The status and response code paying with this card ends in.
    var outcome: (status: String, code: String, message: String) {
        switch (number, expiry) {
        case ("1111110123456789", _): ("DECLINED", "501", "Declined")
        case ("7777770123456789", _), ("8888880000000001", "05/21"): ("FAILED", "401", "Failed")
        case (_, "05/22"): ("DECLINED", "501", "Declined")
        case (_, "04/27"): ("FAILED", "407", "Failed, Expired Card")
        case (_, "08/28"): ("TIMEDOUT", "801", "Timed Out")
        case (_, "01/37"): ("DECLINED", "513", "Declined, Card Acquirer - Error")
        case (_, "02/37"): ("FAILED", "408", "Failed, Unspecified Failure")
        case (_, "05/37"): ("UNKNOWN", "901", "Unknown")
        default: ("CAPTURED", "000", "Captured")
        }
    }
}
