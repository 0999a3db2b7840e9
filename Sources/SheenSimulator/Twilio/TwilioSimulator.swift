// swift-format-ignore-file: AlwaysUseLowerCamelCase
// Wire types spell fields as Twilio does.

import Foundation
import Hummingbird
import SheenModel
import SheenWebhooks

/// Everything the Twilio simulator knows: the account, its phone numbers, and the messages sent (research/providers.md
/// §9; resources as twilio-python names them). Unconfirmed, kept here in one place: the error codes beyond those the
/// research names (21211 invalid `To`, 21606 `From` not owned, 20003 authentication), and the message lifecycle's
/// timing (queued → sent → delivered here, each with a status callback).
public struct TwilioWorld: SimulatorWorld {
    public struct Message: Codable, Sendable {
        public var sid: String
        public var account_sid: String
        public var to: String
        public var from: String
        public var body: String
        public var status: String
        public var direction = "outbound-api"
        public var num_segments = "1"
        public var date_created: String
        public var api_version = "2010-04-01"
        public var uri: String
        var callback: String?
        var created: Date
    }

    public var numbers: [String] = []
    public var messages: [String: Message] = [:]
    public var ledger: [LedgerEntry] = []
    public var counter = 0

    public init() {}
}

/// A local Twilio REST API (`/2010-04-01/Accounts/{AccountSid}…`, HTTP Basic with the account SID and auth token):
/// the account, its SMS-capable numbers, and messages whose status moves queued → sent → delivered, each change
/// posted to the message's `StatusCallback` as a form signed with `X-Twilio-Signature`.
public struct TwilioSimulator: Sendable {
    public static let accountSid = "AC" + String(repeating: "5", count: 32)
    public static let authToken = "sheentwiliosandboxauthtoken00000"
    public static let number = "+15005550006"

    public let store: SimulatorStore<TwilioWorld>
    public let faults: Faults
    public let requests = RequestCounter()
    public let dispatcher: WebhookDispatcher
    public let deliverAfter: Duration
    public let now: @Sendable () -> Date

    public init(
        stateFile: String? = nil, faults: Faults = Faults(), dispatcher: WebhookDispatcher = WebhookDispatcher(),
        deliverAfter: Duration = .milliseconds(100), now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        var initial = TwilioWorld()
        initial.numbers = [Self.number]
        store = try SimulatorStore(file: stateFile, initial: initial)
        self.faults = faults
        self.dispatcher = dispatcher
        self.deliverAfter = deliverAfter
        self.now = now
    }

    static var root: String { "2010-04-01/Accounts/\(accountSid)" }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("2010-04-01/Accounts/:sid") { request, context in
            await handle(request, context) {
                let sid = Self.accountSid
                return (
                    200,
                    try SimulatorHTTP.json([
                        "sid": sid, "friendly_name": "Sheen sandbox", "status": "active", "type": "Full",
                        "date_created": "Mon, 01 Jan 2024 00:00:00 +0000",
                        "uri": "/2010-04-01/Accounts/\(sid).json",
                    ])
                )
            }
        }
        router.get("2010-04-01/Accounts/:sid/IncomingPhoneNumbers.json") { request, context in
            let wanted = request.uri.queryParameters.get("PhoneNumber")
            return await handle(request, context) {
                let numbers = await store.read { $0.numbers }.filter { wanted == nil || $0 == wanted }
                let listed: [[String: any Sendable]] = numbers.map {
                    [
                        "sid": "PN" + String(repeating: "1", count: 32), "phone_number": $0,
                        "capabilities": ["sms": true, "mms": true, "voice": true] as [String: any Sendable],
                    ]
                }
                return (200, try SimulatorHTTP.json(["incoming_phone_numbers": listed, "page_size": 50]))
            }
        }
        router.post("2010-04-01/Accounts/:sid/Messages.json") { request, context in
            let body = String(decoding: await SimulatorHTTP.body(request), as: UTF8.self)
            return await handle(request, context) { try await send(FormText.decode(body)) }
        }
        router.get("2010-04-01/Accounts/:sid/Messages.json") { request, context in
            let to = request.uri.queryParameters.get("To")
            return await handle(request, context) {
                try await deliverDue()
                let messages = await store.read { world in
                    world.messages.values.filter { to == nil || $0.to == to }.sorted { $0.sid > $1.sid }
                }
                return (200, try SimulatorHTTP.json(["messages": try messages.map(Self.object), "page_size": 50]))
            }
        }
        router.get("2010-04-01/Accounts/:sid/Messages/:message") { request, context in
            let sid = (context.parameters.get("message") ?? "").replacingOccurrences(of: ".json", with: "")
            return await handle(request, context) {
                try await deliverDue()
                guard let message = await store.read({ $0.messages[sid] }) else {
                    throw TwilioError(status: 404, code: 20404, message: "The requested resource was not found")
                }
                return (200, try SimulatorHTTP.encoded(message))
            }
        }
        return router
    }

    func send(_ pairs: [(String, String)]) async throws -> (Int, Data) {
        let form = Dictionary(pairs, uniquingKeysWith: { first, _ in first })
        guard let to = form["To"], !to.isEmpty else {
            throw TwilioError(status: 400, code: 21604, message: "A 'To' phone number is required.")
        }
        guard (try? PhoneNumber.parse(to, region: nil).get()) != nil || to == "+15005550010" else {
            throw TwilioError(status: 400, code: 21211, message: "The 'To' number \(to) is not a valid phone number.")
        }
        guard let from = form["From"], !from.isEmpty else {
            throw TwilioError(status: 400, code: 21603, message: "A 'From' phone number is required.")
        }
        guard let body = form["Body"], !body.isEmpty else {
            throw TwilioError(status: 400, code: 21602, message: "Message body is required.")
        }
        let date = now()
        let message = try await store.mutate { world -> TwilioWorld.Message in
            guard world.numbers.contains(from) else {
                throw TwilioError(
                    status: 400, code: 21606,
                    message:
                        "The From phone number \(from) is not a valid, SMS-capable inbound phone number or short code for your account."
                )
            }
            world.counter += 1
            let sid = "SM" + String(format: "%032d", world.counter)
            let message = TwilioWorld.Message(
                sid: sid, account_sid: Self.accountSid, to: to, from: from, body: body, status: "queued",
                date_created: Self.rfc2822(date), uri: "/\(Self.root)/Messages/\(sid).json",
                callback: form["StatusCallback"], created: date)
            world.messages[sid] = message
            world.record("message.created", sid, at: date)
            return message
        }
        try await faults.afterCommit(path: "/2010-04-01")
        return (201, try SimulatorHTTP.encoded(message))
    }

    /// Sent at once, delivered after `deliverAfter`; each change posted to the message's status callback.
    func deliverDue() async throws {
        let date = now()
        let changed = try await store.mutate { world -> [TwilioWorld.Message] in
            var changed: [TwilioWorld.Message] = []
            for (sid, message) in world.messages where message.status != "delivered" {
                var moved = message
                moved.status = date.timeIntervalSince(message.created) >= deliverAfter.seconds ? "delivered" : "sent"
                guard moved.status != message.status else { continue }
                world.messages[sid] = moved
                world.record("message.\(moved.status)", sid, at: date)
                changed.append(moved)
            }
            return changed
        }
        for message in changed {
            guard let url = message.callback else { continue }
            let form = [
                ("AccountSid", message.account_sid), ("ApiVersion", message.api_version), ("From", message.from),
                ("MessageSid", message.sid), ("MessageStatus", message.status), ("SmsSid", message.sid),
                ("SmsStatus", message.status), ("To", message.to),
            ]
            let body = Data(form.map { "\($0.0)=\(Self.escape($0.1))" }.joined(separator: "&").utf8)
            dispatcher.deliver(
                body, to: url, scheme: .twilio, secret: Self.authToken, faults: faults.plan, ledger: store,
                id: message.sid, key: message.status, now: now)
        }
    }

    static func escape(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }

    static func rfc2822(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }

    static func object(_ message: TwilioWorld.Message) throws -> [String: any Sendable] {
        (try JSONSerialization.jsonObject(with: SimulatorHTTP.encoded(message)) as? [String: any Sendable]) ?? [:]
    }

    /// Faults, then HTTP Basic with this account's SID and auth token, and the SID in the path.
    func handle(
        _ request: Request, _ context: BasicRequestContext, _ operation: @Sendable () async throws -> (Int, Data)
    ) async -> Response {
        switch await SimulatorHTTP.prelude(faults, requests) {
        case .rateLimited:
            return TwilioError(status: 429, code: 20429, message: "Too Many Requests").response
        case .dropped: return SimulatorHTTP.dropped()
        case .serverError: return TwilioError(status: 500, code: 20500, message: "Internal Server Error").response
        case nil: break
        }
        let expected = "Basic " + Data("\(Self.accountSid):\(Self.authToken)".utf8).base64EncodedString()
        let sid = (context.parameters.get("sid") ?? "").replacingOccurrences(of: ".json", with: "")
        guard request.headers[.authorization] == expected, sid == Self.accountSid else {
            return TwilioError(status: 401, code: 20003, message: "Authenticate").response
        }
        do {
            let (status, body) = try await operation()
            return SimulatorHTTP.response(status, body)
        } catch let error as TwilioError {
            return error.response
        } catch is ConnectionDrop {
            return SimulatorHTTP.dropped()
        } catch {
            return TwilioError(status: 500, code: 20500, message: "Internal Server Error").response
        }
    }
}

/// Twilio's legacy error body, `{code, message, more_info, status}`, which its SDKs read (twilio-python `version.py`).
struct TwilioError: Error, Sendable {
    var status: Int
    var code: Int
    var message: String

    var response: Response {
        let body: [String: any Sendable] = [
            "code": code, "message": message, "more_info": "https://www.twilio.com/docs/errors/\(code)",
            "status": status,
        ]
        return SimulatorHTTP.response(status, (try? SimulatorHTTP.json(body)) ?? Data())
    }
}
