// swift-format-ignore-file: AlwaysUseLowerCamelCase
// Wire types spell fields as Infobip does.

import Foundation

/// Everything the Infobip simulator knows: WhatsApp senders with their status, and the templates submitted to each
/// with Meta's review, as Infobip's official Java client types them (`WhatsAppTemplateApiResponse`,
/// `WhatsAppSenderQuality`, `WhatsAppTemplateUpdatePushEvent`, `ApiError`; research/providers.md §8).
///
/// Unconfirmed, kept here in one place: the error `description` wording and `errorCode` values other than `E429`,
/// the sandbox's stand-in for the dashboard setting where a template's review is posted (`PUT
/// /sandbox/infobip/notify-url`), and the push event's top-level field set beyond what the client's model names.
public struct InfobipWorld: SimulatorWorld {
    public struct Template: Codable, Sendable {
        public var id: String
        public var businessAccountId: Int
        public var name: String
        public var language: String
        public var status: String
        public var category: String
        public var structure: Structure
        public var quality = "UNKNOWN"
        var sender: String
        var submitted: Date
        /// The reason a rejection was given, posted with the status change (the template's answer carries none).
        var reason: String?
    }
    public struct Structure: Codable, Sendable {
        public struct Text: Codable, Sendable {
            public var text: String
            public var examples: [String]?
        }
        public struct Button: Codable, Sendable {
            public var type: String
            public var text: String
        }
        public var header: Text?
        public var body: Text
        public var footer: Text?
        public var buttons: [Button]?
        public var type = "TEXT"
    }

    /// An SMS as `/sms/3/logs` and `/sms/3/reports` show it (`SmsDeliveryReport`).
    public struct SMS: Codable, Sendable {
        public var messageId: String
        public var bulkId: String
        public var to: String
        public var sender: String
        public var text: String
        public var status: String
        var sent: Date
    }

    public var sms: [String: SMS] = [:]
    /// Sender number to its status (`CONNECTED`, `PENDING`, …).
    public var senders: [String: String] = [:]
    public var templates: [String: Template] = [:]
    /// Where reviews are posted: the webhook URL set in Infobip's dashboard.
    public var notifyURL: String?
    public var ledger: [LedgerEntry] = []
    public var counter = 0

    public init() {}

    static func sandbox(sender: String) -> InfobipWorld {
        var world = InfobipWorld()
        world.senders = [sender: "CONNECTED", "966500000009": "PENDING"]
        return world
    }

    mutating func newID() -> String {
        counter += 1
        return String(7_100_000_000 + counter)
    }
}
