import Foundation
import Hummingbird
import NIOCore
import SheenModel
import SheenWebhooks

/// A local Infobip WhatsApp API: templates per sender (`/whatsapp/2/senders/{sender}/templates`), sender status
/// (`/whatsapp/1/senders/quality`), `Authorization: App <key>`, errors in Infobip's `ApiError` shape. A submitted
/// template is held to Meta's rules (name, lengths, variables and their examples, buttons, category, language, one per
/// name and language), starts `PENDING`, and is reviewed after the review delay: `APPROVED`, or `REJECTED` where the
/// fault plan's `rejections` say so; each review is posted to the dashboard's webhook URL with Infobip's
/// `TEMPLATE_STATUS_UPDATE` push event, reason included. Facts and what is unconfirmed: `InfobipWorld`.
public struct InfobipSimulator: Sendable {
    public static let apiKey = "sheeninfobipsandbox0000000000000-0000-0000-0000-000000000000"
    public static let sender = "966500000001"

    public let store: SimulatorStore<InfobipWorld>
    public let faults: Faults
    public let requests = RequestCounter()
    public let dispatcher: WebhookDispatcher
    public let reviewAfter: Duration
    public let now: @Sendable () -> Date

    public init(
        stateFile: String? = nil, faults: Faults = Faults(), dispatcher: WebhookDispatcher = WebhookDispatcher(),
        reviewAfter: Duration = .milliseconds(150), notifyURL: String? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        var initial = InfobipWorld.sandbox(sender: Self.sender)
        initial.notifyURL = notifyURL
        store = try SimulatorStore(file: stateFile, initial: initial)
        self.faults = faults
        self.dispatcher = dispatcher
        self.reviewAfter = reviewAfter
        self.now = now
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("whatsapp/2/senders/:sender/templates") { request, context in
            let sender = context.parameters.get("sender") ?? ""
            return await handle(request) {
                try await reviewDue()
                let templates = try await senderTemplates(sender)
                return (200, try SimulatorHTTP.json(["templates": try templates.map { try Self.object($0) }]))
            }
        }
        router.post("whatsapp/2/senders/:sender/templates") { request, context in
            let sender = context.parameters.get("sender") ?? ""
            let body = await SimulatorHTTP.body(request)
            return await handle(request) { try await submit(body, sender: sender) }
        }
        router.get("whatsapp/1/senders/quality") { request, _ in
            let wanted = request.uri.queryParameters.getAll("senders").map { String($0) }
            return await handle(request) {
                guard !wanted.isEmpty else { throw InfobipError.invalid("senders", "must not be empty") }
                let known = await store.read { $0.senders }
                let results: [[String: any Sendable]] = wanted.compactMap { sender in
                    known[sender].map {
                        ["sender": sender, "status": $0, "qualityRating": "HIGH", "currentLimit": "TIER_1K"]
                    }
                }
                return (200, try SimulatorHTTP.json(["results": results]))
            }
        }
        router.post("sms/3/messages") { request, _ in
            let body = await SimulatorHTTP.body(request)
            return await handle(request) { try await sendSMS(body) }
        }
        // Logs (every message) and reports (delivered or not), by the message id the caller chose.
        for path in ["sms/3/logs", "sms/3/reports"] {
            router.get(RouterPath(path)) { request, _ in
                let wanted = request.uri.queryParameters.get("messageId")
                return await handle(request) {
                    let date = now()
                    let found = await store.read { world in
                        world.sms.values.filter { wanted == nil || $0.messageId == wanted }.sorted {
                            $0.messageId < $1.messageId
                        }
                    }
                    let results: [[String: any Sendable]] = found.map { sms in
                        let delivered = date.timeIntervalSince(sms.sent) >= reviewAfter.seconds
                        let group = delivered ? "DELIVERED" : "PENDING"
                        return [
                            "messageId": sms.messageId, "bulkId": sms.bulkId, "to": sms.to, "sender": sms.sender,
                            "status": [
                                "groupId": delivered ? 3 : 1, "groupName": group,
                                "name": delivered ? "DELIVERED_TO_HANDSET" : "PENDING_ENROUTE",
                                "description": delivered
                                    ? "Message delivered to handset" : "Message sent to next instance",
                            ] as [String: any Sendable],
                            "messageCount": 1,
                        ]
                    }
                    return (200, try SimulatorHTTP.json(["results": results]))
                }
            }
        }
        // The dashboard's webhook setting, for the sandbox: where reviews are posted.
        router.put("sandbox/infobip/notify-url") { request, _ in
            let body = await SimulatorHTTP.body(request)
            return await handle(request) {
                let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
                guard let url = object?["url"] as? String, URLComponents(string: url)?.host != nil else {
                    throw InfobipError.invalid("url", "must be an absolute URL")
                }
                try await store.mutate { $0.notifyURL = url }
                return (200, try SimulatorHTTP.json(["url": url]))
            }
        }
        return router
    }

    /// `POST /sms/3/messages` (`SmsRequest`): each destination gets the message id the caller gave, or a new one; a
    /// repeated id is the same message, answered again, not sent twice.
    func sendSMS(_ body: Data) async throws -> (Int, Data) {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any],
            let messages = object["messages"] as? [[String: Any]], !messages.isEmpty
        else { throw InfobipError.invalid("messages", "must not be empty") }
        var planned: [(String, String?, String, String)] = []
        for (index, message) in messages.enumerated() {
            guard let sender = message["sender"] as? String, !sender.isEmpty else {
                throw InfobipError.invalid("messages[\(index)].sender", "must not be blank")
            }
            guard let text = (message["content"] as? [String: Any])?["text"] as? String, !text.isEmpty else {
                throw InfobipError.invalid("messages[\(index)].content.text", "must not be blank")
            }
            let destinations = message["destinations"] as? [[String: Any]] ?? []
            guard !destinations.isEmpty else {
                throw InfobipError.invalid("messages[\(index)].destinations", "must not be empty")
            }
            for destination in destinations {
                let to = destination["to"] as? String ?? ""
                guard to.allSatisfy(\.isNumber), (try? PhoneNumber.parse("+" + to, region: nil).get()) != nil else {
                    throw InfobipError.invalid(
                        "messages[\(index)].destinations.to", "must be a number in international form")
                }
                planned.append((to, destination["messageId"] as? String, sender, text))
            }
        }
        let date = now()
        let (bulk, sent) = try await store.mutate { world -> (String, [InfobipWorld.SMS]) in
            let bulk = world.newID()
            let sent = planned.map { to, chosen, sender, text -> InfobipWorld.SMS in
                if let chosen, let existing = world.sms[chosen] { return existing }
                let id = chosen ?? world.newID()
                let sms = InfobipWorld.SMS(
                    messageId: id, bulkId: bulk, to: to, sender: sender, text: text, status: "PENDING", sent: date)
                world.sms[id] = sms
                world.record("sms.sent", id, key: chosen, at: date)
                return sms
            }
            return (bulk, sent)
        }
        try await faults.afterCommit(path: "/sms/3/messages")
        let answer: [String: any Sendable] = [
            "bulkId": bulk,
            "messages": sent.map { sms -> [String: any Sendable] in
                [
                    "messageId": sms.messageId, "destination": sms.to,
                    "status": [
                        "groupId": 1, "groupName": "PENDING", "id": 26, "name": "PENDING_ACCEPTED",
                        "description": "Message sent to next instance",
                    ] as [String: any Sendable],
                ]
            },
        ]
        return (200, try SimulatorHTTP.json(answer))
    }

    func senderTemplates(_ sender: String) async throws -> [InfobipWorld.Template] {
        let (known, templates) = await store.read { world in
            (world.senders[sender] != nil, world.templates.values.filter { $0.sender == sender })
        }
        guard known else { throw InfobipError.notFound("sender \(sender)") }
        return templates.sorted { ($0.name, $0.language) < ($1.name, $1.language) }
    }

    // MARK: Submission and review

    func submit(_ body: Data, sender: String) async throws -> (Int, Data) {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            throw InfobipError.invalid("body", "must be a JSON object")
        }
        let name = object["name"] as? String ?? ""
        let language = object["language"] as? String ?? ""
        let category = object["category"] as? String ?? ""
        var violations: [(String, String)] = []
        if !WhatsAppTemplateLimits.isValidName(name) {
            violations.append(("name", "must match ^[a-z0-9_]{1,512}$"))
        }
        if !WhatsAppTemplateLimits.languageCodes.contains(language) {
            violations.append(("language", "is not a supported WhatsApp template language"))
        }
        if !WhatsAppTemplateLimits.categories.contains(category) {
            violations.append(("category", "must be MARKETING, UTILITY or AUTHENTICATION"))
        }
        let structure = try Self.structure(object["structure"], violations: &violations)
        guard violations.isEmpty, let structure else { throw InfobipError.violations(violations) }
        let date = now()
        let template = try await store.mutate { world -> InfobipWorld.Template in
            guard world.senders[sender] != nil else { throw InfobipError.notFound("sender \(sender)") }
            // Meta keeps one template per name and language.
            if world.templates.values.contains(where: {
                $0.sender == sender && $0.name == name && $0.language == language
            }) {
                throw InfobipError.violations([("name", "a template named \(name) already exists in \(language)")])
            }
            let template = InfobipWorld.Template(
                id: world.newID(), businessAccountId: 200_000_001, name: name, language: language, status: "PENDING",
                category: category, structure: structure, sender: sender, submitted: date)
            world.templates[template.id] = template
            world.record("template.submitted", template.id, key: "\(name)/\(language)", at: date)
            return template
        }
        try await faults.afterCommit(path: "/whatsapp/2/senders")
        return (201, try SimulatorHTTP.encoded(template))
    }

    /// Meta's structure rules: body ≤ 1024 characters with `{{1}}`… in order and one example each, header and footer
    /// ≤ 60, at most 10 quick-reply buttons of ≤ 25 characters.
    static func structure(
        _ value: Any?, violations: inout [(String, String)]
    ) throws -> InfobipWorld.Structure? {
        guard let object = value as? [String: Any], let bodyObject = object["body"] as? [String: Any],
            let text = bodyObject["text"] as? String, !text.isEmpty
        else {
            violations.append(("structure.body.text", "must not be empty"))
            return nil
        }
        let examples = bodyObject["examples"] as? [String]
        if text.count > WhatsAppTemplateLimits.maxBodyLength {
            violations.append(("structure.body.text", "must be at most 1024 characters"))
        }
        let variables = Set(WhatsAppTemplateLimits.variables(in: text))
        if !WhatsAppTemplateLimits.variablesAreSequential(text) {
            violations.append(("structure.body.text", "placeholders must be {{1}}, {{2}}… with none skipped"))
        }
        if variables.count != (examples ?? []).count {
            violations.append(
                ("structure.body.examples", "must give one example for each of \(variables.count) placeholders"))
        }
        func part(_ key: String) -> InfobipWorld.Structure.Text? {
            guard let part = object[key] as? [String: Any], let value = part["text"] as? String else { return nil }
            if value.count > WhatsAppTemplateLimits.maxHeaderLength {
                violations.append(("structure.\(key).text", "must be at most 60 characters"))
            }
            return .init(text: value, examples: part["examples"] as? [String])
        }
        let header = part("header")
        let footer = part("footer")
        var buttons: [InfobipWorld.Structure.Button] = []
        for (index, item) in (object["buttons"] as? [[String: Any]] ?? []).enumerated() {
            let label = item["text"] as? String ?? ""
            if label.isEmpty || label.count > WhatsAppTemplateLimits.maxButtonLabelLength {
                violations.append(("structure.buttons[\(index)].text", "must be 1 to 25 characters"))
            }
            buttons.append(.init(type: item["type"] as? String ?? "QUICK_REPLY", text: label))
        }
        if buttons.count > WhatsAppTemplateLimits.maxButtons {
            violations.append(("structure.buttons", "must have at most 10 buttons"))
        }
        return .init(
            header: header, body: .init(text: text, examples: examples), footer: footer,
            buttons: buttons.isEmpty ? nil : buttons)
    }

    /// Reviews every template pending for longer than the review delay, then posts each result.
    func reviewDue() async throws {
        let date = now()
        let plan = faults.plan
        let delay = plan.reviewDelayMilliseconds.map { Duration.milliseconds($0) } ?? reviewAfter
        let (reviewed, url) = try await store.mutate { world -> ([InfobipWorld.Template], String?) in
            var done: [InfobipWorld.Template] = []
            for (id, template) in world.templates where template.status == "PENDING" {
                guard date.timeIntervalSince(template.submitted) >= delay.seconds else { continue }
                var decided = template
                let reason = plan.rejections["\(template.name)/\(template.language)"] ?? plan.rejections[template.name]
                decided.status = reason == nil ? "APPROVED" : "REJECTED"
                decided.reason = reason
                world.templates[id] = decided
                world.record(
                    "template.\(decided.status.lowercased())", id, key: "\(template.name)/\(template.language)",
                    at: date)
                done.append(decided)
            }
            return (done, world.notifyURL)
        }
        guard let url, var target = URLComponents(string: url) else { return }
        // Infobip signs nothing: the dashboard's URL carries the connection's token, which the signer puts back.
        let token = target.queryItems?.first { $0.name == "token" }?.value ?? ""
        target.queryItems = target.queryItems?.filter { $0.name != "token" }
        if target.queryItems?.isEmpty == true { target.queryItems = nil }
        let bare = target.string ?? url
        for template in reviewed {
            let change: [String: any Sendable] = [
                "type": "TEMPLATE_STATUS_UPDATE", "newStatus": template.status, "reason": template.reason ?? "NONE",
            ]
            let event: [String: any Sendable] = [
                "messageTemplateId": template.id, "messageTemplateName": template.name,
                "messageTemplateLanguage": template.language, "entityId": template.sender,
                "timestamp": ISO8601DateFormatter().string(from: date), "change": change,
            ]
            guard let body = try? SimulatorHTTP.json(event) else { continue }
            dispatcher.deliver(
                body, to: bare, scheme: .urlToken, secret: token, faults: faults.plan, ledger: store,
                id: template.id, key: template.status, now: now)
        }
    }

    static func object(_ template: InfobipWorld.Template) throws -> [String: any Sendable] {
        (try JSONSerialization.jsonObject(with: SimulatorHTTP.encoded(template)) as? [String: any Sendable]) ?? [:]
    }

    // MARK: Plumbing

    func handle(_ request: Request, _ operation: @Sendable () async throws -> (Int, Data)) async -> Response {
        switch await SimulatorHTTP.prelude(faults, requests) {
        case .rateLimited: return InfobipError.rateLimited.response
        case .dropped: return SimulatorHTTP.dropped()
        case .serverError: return InfobipError.serverError.response
        case nil: break
        }
        guard let value = request.headers[.authorization], value.hasPrefix("App ") else {
            return InfobipError.unauthorized.response
        }
        guard value.dropFirst(4) == Self.apiKey else { return InfobipError.unauthorized.response }
        do {
            let (status, body) = try await operation()
            return SimulatorHTTP.response(status, body)
        } catch let error as InfobipError {
            return error.response
        } catch is ConnectionDrop {
            return SimulatorHTTP.dropped()
        } catch {
            return InfobipError.serverError.response
        }
    }
}

/// An error in Infobip's `ApiError` shape: `{errorCode, description, action, violations[{property, violation}],
/// resources}` (the official Java client's model; 429's `E429` per Infobip's rate-limit page).
struct InfobipError: Error, Sendable {
    var status: Int
    var code: String
    var description: String
    var violations: [(String, String)] = []

    var response: Response {
        let body: [String: any Sendable] = [
            "errorCode": code, "description": description, "action": "Check the request and try again.",
            "violations": violations.map { ["property": $0.0, "violation": $0.1] },
            "resources": [[String: String]](),
        ]
        return SimulatorHTTP.response(status, (try? SimulatorHTTP.json(body)) ?? Data())
    }

    static func violations(_ found: [(String, String)]) -> InfobipError {
        InfobipError(status: 400, code: "E400", description: "Request cannot be processed.", violations: found)
    }
    static func invalid(_ property: String, _ violation: String) -> InfobipError { violations([(property, violation)]) }
    static func notFound(_ what: String) -> InfobipError {
        InfobipError(status: 404, code: "E404", description: "Not found: \(what).")
    }
    static let unauthorized = InfobipError(status: 401, code: "E401", description: "Invalid login details.")
    static let rateLimited = InfobipError(status: 429, code: "E429", description: "Too many requests sent.")
    static let serverError = InfobipError(status: 500, code: "E500", description: "Something went wrong.")
}
