import Foundation
import Hummingbird
import SheenModel

/// A local Unifonic REST API (`/rest/…`, form bodies, `AppSid` in the body, `{"success", "message", "errorCode",
/// "data"}` answers): the balance, sender ID approvals, sending an SMS (recipients in international form without `+`
/// or `00`; the sender must be approved for the app) and its delivery, Queued → Sent → Delivered after
/// `deliverAfter`. Facts and what is unconfirmed: `UnifonicWorld`.
public struct UnifonicSimulator: Sendable {
    public static let appSid = "SheenUnifonicSandboxAppSid00001"
    public static let senderID = "SheenTest"

    public let store: SimulatorStore<UnifonicWorld>
    public let faults: Faults
    public let requests = RequestCounter()
    public let deliverAfter: Duration
    public let now: @Sendable () -> Date

    public init(
        stateFile: String? = nil, faults: Faults = Faults(), deliverAfter: Duration = .milliseconds(100),
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        store = try SimulatorStore(file: stateFile, initial: UnifonicWorld.sandbox(app: Self.appSid))
        self.faults = faults
        self.deliverAfter = deliverAfter
        self.now = now
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("rest/Account/GetBalance") { request, _ in
            await handle(request) { app, _ in
                let balance = await store.read { $0.balance[app] ?? 0 }
                return ["Balance": "\(balance)", "CurrencyCode": "SAR", "SharedBalance": "0"]
            }
        }
        router.post("rest/Account/GetSenderIDStatus") { request, _ in
            await handle(request) { app, form in
                guard let sender = form["SenderID"], !sender.isEmpty else { throw UnifonicError.missing("SenderID") }
                guard let status = await store.read({ $0.senders[app]?[sender] }) else { throw UnifonicError.sender }
                return ["SenderID": sender, "Status": status]
            }
        }
        router.post("rest/SMS/messages") { request, _ in
            await handle(request) { app, form in try await send(form, app: app) }
        }
        router.post("rest/Messages/GetMessageIDStatus") { request, _ in
            await handle(request) { app, form in
                try await deliverDue()
                guard let id = form["MessageID"].flatMap(Int.init),
                    let message = await store.read({ $0.messages[id] }), message.app == app
                else { throw UnifonicError.missing("MessageID") }
                return ["MessageID": message.MessageID, "Status": message.Status, "DateCreated": message.DateCreated]
            }
        }
        router.post("rest/Messages/GetMessagesReport") { request, _ in
            await handle(request) { app, form in
                try await deliverDue()
                let sender = form["SenderID"]
                let messages = await store.read { world in
                    world.messages.values.filter { $0.app == app && (sender == nil || $0.SenderID == sender) }
                        .sorted { $0.MessageID > $1.MessageID }
                }
                let listed: [[String: any Sendable]] = messages.prefix(100).map {
                    [
                        "MessageID": $0.MessageID, "Body": $0.Body, "Recipient": $0.Recipient, "Status": $0.Status,
                        "SenderID": $0.SenderID, "DateCreated": $0.DateCreated,
                    ]
                }
                return ["TotalTextMessages": messages.count, "messages": listed]
            }
        }
        return router
    }

    func send(_ form: [String: String], app: String) async throws -> [String: any Sendable] {
        guard let sender = form["SenderID"], !sender.isEmpty else { throw UnifonicError.missing("SenderID") }
        guard let recipient = form["Recipient"], !recipient.isEmpty else { throw UnifonicError.missing("Recipient") }
        guard let body = form["Body"], !body.isEmpty else { throw UnifonicError.missing("Body") }
        // International form, digits only: no `+`, no `00`, and a number Unifonic can route.
        guard recipient.allSatisfy(\.isASCII), recipient.allSatisfy(\.isNumber), !recipient.hasPrefix("00"),
            (try? PhoneNumber.parse("+" + recipient, region: nil).get()) != nil
        else { throw UnifonicError.recipient }
        let date = now()
        // A message of more than 70 Arabic (UCS-2) or 160 Latin characters is sent in parts.
        let ucs2 = body.unicodeScalars.contains { $0.value > 0x7F }
        let units = max(1, Int((Double(body.count) / (ucs2 ? 67 : 153)).rounded(.up)))
        return try await store.mutate { world -> [String: any Sendable] in
            guard world.senders[app]?[sender] == "Approved" else { throw UnifonicError.sender }
            let cost = Decimal(units * 5) / 100
            guard (world.balance[app] ?? 0) >= cost else { throw UnifonicError.balance }
            world.balance[app, default: 0] -= cost
            let message = UnifonicWorld.Message(
                MessageID: world.nextID(), CorrelationID: form["CorrelationID"], SenderID: sender, Recipient: recipient,
                Body: body, Status: "Queued", NumberOfUnits: units, Cost: cost,
                DateCreated: ISO8601DateFormatter().string(from: date), app: app, created: date)
            world.messages[message.MessageID] = message
            world.record("message.sent", String(message.MessageID), key: message.CorrelationID, at: date)
            return [
                "MessageID": message.MessageID, "CorrelationID": message.CorrelationID ?? "", "Status": message.Status,
                "NumberOfUnits": units, "Cost": "\(cost)", "Balance": "\(world.balance[app] ?? 0)",
                "Recipient": recipient, "DateCreated": message.DateCreated,
            ]
        }
    }

    /// Moves messages on: Queued → Sent at once, Sent → Delivered after `deliverAfter` (a delivery report).
    func deliverDue() async throws {
        let date = now()
        try await store.mutate { world in
            for (id, message) in world.messages where message.Status != "Delivered" {
                var moved = message
                moved.Status =
                    date.timeIntervalSince(message.created) >= deliverAfter.seconds ? "Delivered" : "Sent"
                guard moved.Status != message.Status else { continue }
                world.messages[id] = moved
                if moved.Status == "Delivered" { world.record("message.delivered", String(id), at: date) }
            }
        }
    }

    /// Faults, the form, and the app's `AppSid`, then `operation`'s `data` in Unifonic's envelope.
    func handle(
        _ request: Request, _ operation: @Sendable (String, [String: String]) async throws -> [String: any Sendable]
    ) async -> Response {
        switch await SimulatorHTTP.prelude(faults, requests) {
        case .rateLimited: return UnifonicError.rateLimited.response
        case .dropped: return SimulatorHTTP.dropped()
        case .serverError: return UnifonicError.serverError.response
        case nil: break
        }
        let text = String(decoding: await SimulatorHTTP.body(request), as: UTF8.self)
        let form = Dictionary(FormText.decode(text), uniquingKeysWith: { first, _ in first })
        guard let app = form["AppSid"], !app.isEmpty else { return UnifonicError.missing("AppSid").response }
        guard await store.read({ $0.senders[app] != nil }) else { return UnifonicError.authentication.response }
        do {
            let data = try await operation(app, form)
            if request.uri.path.hasSuffix("SMS/messages") { try await faults.afterCommit(path: "/rest/SMS/messages") }
            let envelope: [String: any Sendable] = [
                "success": true, "message": "", "errorCode": "ER-00", "data": data,
            ]
            return SimulatorHTTP.response(200, try SimulatorHTTP.json(envelope))
        } catch let error as UnifonicError {
            return error.response
        } catch is ConnectionDrop {
            return SimulatorHTTP.dropped()
        } catch {
            return UnifonicError.serverError.response
        }
    }
}

/// A refusal in Unifonic's envelope, with the documented code and message (research/providers.md §7).
struct UnifonicError: Error, Sendable {
    var status: Int
    var message: String

    var response: Response {
        let body: [String: any Sendable] = [
            "success": false, "message": message, "errorCode": "ER-\(status)", "data": NSNull(),
        ]
        return SimulatorHTTP.response(status, (try? SimulatorHTTP.json(body)) ?? Data())
    }

    static func missing(_ parameter: String) -> UnifonicError {
        UnifonicError(status: 402, message: "Missing parameter \(parameter)")
    }
    static let authentication = UnifonicError(status: 401, message: "Authentication failed")
    static let recipient = UnifonicError(status: 410, message: "Invalid recipient format")
    static let sender = UnifonicError(status: 480, message: "This user cannot use specified SenderID")
    static let balance = UnifonicError(status: 402, message: "Insufficient balance")
    static let rateLimited = UnifonicError(status: 429, message: "Too many requests generated by this user")
    static let serverError = UnifonicError(status: 500, message: "Internal server error")
}
