// swift-format-ignore-file: AlwaysUseLowerCamelCase
// Wire types spell fields as Paymob does.

import Foundation

/// Everything the Paymob simulator knows: payment intentions (the Intention API, research/providers.md §3; the
/// official paymob-node SDK: `POST` and `GET /v1/intention/`) and the transactions that pay them.
///
/// Unconfirmed, kept here in one place: the intention's answer fields beyond `amount`, `currency`, `items`,
/// `billing_data` and `customer` (`id`, `client_secret`, `status`, `special_reference`, `intention_order_id`), the
/// listing's `{count, next, previous, results}` envelope, the status `paid`, and the request fields
/// `notification_url`, `redirection_url` and `special_reference`.
public struct PaymobWorld: SimulatorWorld {
    public struct Intention: Codable, Sendable {
        public var id: String
        public var client_secret: String
        public var intention_order_id: Int
        public var status: String
        public var amount: Int
        public var currency: String
        public var special_reference: String?
        public var notification_url: String?
        public var redirection_url: String?
        public var created: String
        /// The transaction that paid it, once paid.
        public var transaction_id: Int?
        var owner: String
    }

    public var intentions: [String: Intention] = [:]
    public var ledger: [LedgerEntry] = []
    public var counter = 0

    public init() {}

    mutating func next() -> Int {
        counter += 1
        return counter
    }
}

/// `GET /v1/intention/`'s answer (envelope unconfirmed).
struct IntentionList: Encodable {
    var count: Int
    var next: String?
    var previous: String?
    var results: [PaymobWorld.Intention]
}
