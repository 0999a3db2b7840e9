// swift-format-ignore-file: AlwaysUseLowerCamelCase
// Wire types spell fields as Resend does.

import Foundation

/// Everything the Resend simulator knows: sending domains with the DNS records Resend asks for, and webhooks with
/// their signing secrets, as the official resend-node SDK types them (`src/domains/interfaces/domain.ts`,
/// `src/webhooks/interfaces/*.ts`; research/providers.md §10).
public struct ResendWorld: SimulatorWorld {
    public struct Record: Codable, Sendable {
        public var record: String
        public var name: String
        public var value: String
        public var type: String
        public var ttl = "Auto"
        public var status: String
        public var priority: Int?
    }
    public struct Capabilities: Codable, Sendable {
        public var sending = "enabled"
        public var receiving = "disabled"
    }
    public struct Domain: Codable, Sendable {
        public var object = "domain"
        public var id: String
        public var name: String
        public var status: String
        public var created_at: String
        public var region: String
        public var capabilities = Capabilities()
        public var records: [Record]
        /// When verification was asked for: the simulator's DNS "propagates" `verifyAfter` later.
        var verifyingSince: Date?
        var key: String
    }
    public struct Webhook: Codable, Sendable {
        public var object = "webhook"
        public var id: String
        public var created_at: String
        public var status = "enabled"
        public var endpoint: String
        public var events: [String]?
        public var signing_secret: String
        var key: String
    }

    public var domains: [String: Domain] = [:]
    public var webhooks: [String: Webhook] = [:]
    public var ledger: [LedgerEntry] = []
    public var counter = 0

    public init() {}

    mutating func newID() -> String {
        counter += 1
        return String(format: "4ef9a417-02e9-4d39-ad75-%012d", counter)
    }
}
