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

    public var webhooks: [String: Webhook] = [:]
    public var ledger: [LedgerEntry] = []
    public var counter = 0

    public init() {}

    mutating func newID() -> String {
        counter += 1
        // Tabby's ids are UUIDs; a counter keeps the simulator's repeatable.
        return String(format: "00000000-0000-4000-8000-%012d", counter)
    }
}
