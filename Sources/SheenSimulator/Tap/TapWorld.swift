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
            public var transaction: String?
            public var order: String?
            public var idempotent: String?
            public var gateway: String?
            public var payment: String?
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
            public var first_name: String?
            public var last_name: String?
            public var email: String?
            public var phone: Phone?
        }
        public struct Source: Codable, Sendable {
            public var object = "source"
            public var id: String
        }
        public struct Endpoint: Codable, Sendable {
            public var status: String
            public var url: String
        }

        public var id: String
        public var object = "charge"
        public var live_mode = false
        public var api_version = "V2"
        public var status: String
        public var amount: Decimal
        public var currency: String
        public var threeDSecure: Bool
        public var save_card = false
        public var description: String?
        public var metadata: [String: String]?
        public var transaction: Transaction
        public var reference: Reference
        public var response: Outcome
        public var customer: Customer
        public var source: Source
        public var redirect: Endpoint
        public var post: Endpoint?
    }

    public var charges: [String: Charge] = [:]
    /// `reference.idempotent` (per key) to the charge it made: Tap answers a repeat with that charge.
    public var idempotent: [String: String] = [:]
    /// The secret key each charge was made with: Tap signs its webhooks with the merchant's key.
    var keys: [String: String] = [:]
    public var ledger: [LedgerEntry] = []
    public var counter = 0

    public init() {}

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
