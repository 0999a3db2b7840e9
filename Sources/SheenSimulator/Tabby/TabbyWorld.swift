// swift-format-ignore-file: AlwaysUseLowerCamelCase
// Wire types spell fields as Tabby does.

import Foundation

/// Everything the Tabby simulator knows: registered webhooks, per merchant code and key (research/providers.md §4,
/// docs.tabby.ai "Register a webhook": at most 4 per merchant code and key pair, per environment).
public struct TabbyWorld: SimulatorWorld {
    public struct Webhook: Codable, Sendable {
        public struct Header: Codable, Sendable {
            public var title: String
            public var value: String
        }
        public var id: String
        public var url: String
        public var is_test: Bool
        public var header: Header
        /// Whose it is: `merchant_code` and the key it was registered with.
        var owner: String
    }

    /// A payment as the Payments API shows it (docs.tabby.ai "Retrieve a payment"), created with its checkout
    /// session.
    public struct Payment: Codable, Sendable {
        public struct Buyer: Codable, Sendable {
            public var name: String
            public var email: String
            public var phone: String
        }
        public struct Order: Codable, Sendable {
            public var reference_id: String
        }
        public struct Capture: Codable, Sendable {
            public var id: String
            public var amount: String
            public var reference_id: String
            public var created_at: String
        }
        public var id: String
        public var created_at: String
        public var expires_at: String
        /// CREATED, AUTHORIZED, CLOSED, REJECTED, EXPIRED.
        public var status: String
        public var is_test = true
        public var amount: String
        public var currency: String
        public var description: String
        public var buyer: Buyer
        public var order: Order
        public var captures: [Capture] = []
        public var refunds: [Capture] = []
        /// The checkout session it was created with, and the page the buyer pays on.
        var session: String
        var webURL: String
        var owner: String
    }

    public var webhooks: [String: Webhook] = [:]
    public var payments: [String: Payment] = [:]
    public var ledger: [LedgerEntry] = []
    public var counter = 0

    public init() {}

    mutating func newID() -> String {
        counter += 1
        // Tabby's ids are UUIDs; a counter keeps the simulator's repeatable.
        return String(format: "00000000-0000-4000-8000-%012d", counter)
    }
}
