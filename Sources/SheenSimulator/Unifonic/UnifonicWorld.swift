// swift-format-ignore-file: AlwaysUseLowerCamelCase
// Wire types spell fields as Unifonic does.

import Foundation

/// Everything the Unifonic simulator knows: the apps (AppSid) it serves with their balance, sender IDs with their
/// approval, and the messages sent (research/providers.md §7).
///
/// Unconfirmed, kept here in one place: the account endpoints and fields (`Account/GetBalance`,
/// `Account/GetSenderIDStatus`, `Messages/GetMessageIDStatus`, `Messages/GetMessagesReport`, from the community
/// SDKs of Unifonic's REST API), the `data` fields of each answer, the message statuses (Queued → Sent → Delivered),
/// and the `errorCode` values (Unifonic's docs list the numeric codes 401/402/410/429/480 with their messages; the
/// simulator answers them as HTTP statuses with `errorCode` `ER-<code>`).
public struct UnifonicWorld: SimulatorWorld {
    public struct Message: Codable, Sendable {
        public var MessageID: Int
        public var CorrelationID: String?
        public var SenderID: String
        public var Recipient: String
        public var Body: String
        public var Status: String
        public var NumberOfUnits: Int
        public var Cost: Decimal
        public var DateCreated: String
        var app: String
        var created: Date
    }

    /// SenderID to its approval (`Approved`, `Pending`, `Rejected`), per app.
    public var senders: [String: [String: String]] = [:]
    public var balance: [String: Decimal] = [:]
    public var messages: [Int: Message] = [:]
    public var ledger: [LedgerEntry] = []
    public var counter = 0

    public init() {}

    /// The sandbox app: its sender ID approved, one pending, one rejected, and a balance.
    static func sandbox(app: String) -> UnifonicWorld {
        var world = UnifonicWorld()
        world.senders[app] = ["SheenTest": "Approved", "SheenPend": "Pending", "SheenRej": "Rejected"]
        world.balance[app] = 100
        return world
    }

    mutating func nextID() -> Int {
        counter += 1
        return 3_100_000 + counter
    }
}
