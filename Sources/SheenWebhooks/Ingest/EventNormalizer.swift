import Foundation

/// Reads the envelope out of a verified delivery, provider by provider. Pure: the same delivery always gives the same
/// event and dedup key.
public enum EventNormalizer {
    public static func normalize(_ request: WebhookRequest, provider: String, scheme: WebhookScheme) -> WebhookEvent {
        let json = JSONNode.parse(request.body)
        let bodyKey = "body:" + Digest.hex(Digest.sha256(request.body))
        func event(
            _ type: String?, id: String? = nil, object: String? = nil, status: String? = nil, at: Date? = nil,
            live: Bool? = nil, byObject: Bool = false
        ) -> WebhookEvent {
            let key: String
            if byObject, let object {
                key = "object:\(object):\(status ?? type ?? "")"
            } else if let id {
                key = "event:\(id)"
            } else {
                key = bodyKey
            }
            return WebhookEvent(
                provider: provider, scheme: scheme, type: type ?? "unknown", eventID: id, objectID: object,
                status: status, occurredAt: at, live: live, dedupKey: key)
        }
        switch scheme {
        case .stripe:
            return event(
                json?["type"]?.text, id: json?["id"]?.text, object: json?.at("data.object.id")?.text,
                at: json?["created"]?.decimal.map {
                    Date(timeIntervalSince1970: NSDecimalNumber(decimal: $0).doubleValue)
                },
                live: json?["livemode"].flatMap { if case .bool(let value) = $0 { value } else { nil } })
        case .standardWebhooks:
            let id = request.headers["webhook-id"] ?? request.headers["svix-id"]
            let seconds = (request.headers["webhook-timestamp"] ?? request.headers["svix-timestamp"]).flatMap(
                Double.init)
            return event(
                json?["type"]?.text, id: id, object: json?.at("data.id")?.text,
                at: seconds.map { Date(timeIntervalSince1970: $0) })
        case .github:
            return event(request.headers["X-GitHub-Event"], id: request.headers["X-GitHub-Delivery"])
        case .slack:
            return event(json?.at("event.type")?.text ?? json?["type"]?.text, id: json?["event_id"]?.text)
        case .twilio:
            let form = Dictionary(
                TwilioSignature.parameters(url: request.url ?? "", body: request.body),
                uniquingKeysWith: { first, _ in first })
            let status = form["MessageStatus"] ?? form["CallStatus"]
            return event(
                status.map { "message.\($0)" }, object: form["MessageSid"] ?? form["CallSid"], status: status,
                byObject: true)
        case .paymob:
            let transaction = json?["obj"] ?? json
            let success = transaction?["success"]?.text == "true"
            let pending = transaction?["pending"]?.text == "true"
            let status = pending ? "pending" : (success ? "captured" : "declined")
            return event(
                "transaction.\(status)", object: transaction?["id"]?.text, status: status,
                live: transaction?["is_live"].flatMap { if case .bool(let value) = $0 { value } else { nil } },
                byObject: true)
        case .tap:
            let status = json?["status"]?.text
            let kind = json?["object"]?.text ?? "charge"
            let live = json?["live_mode"].flatMap { node -> Bool? in
                if case .bool(let value) = node { value } else { nil }
            }
            return event(
                status.map { "\(kind).\($0.lowercased())" }, object: json?["id"]?.text, status: status, live: live,
                byObject: true)
        case .tabby:
            let status = json?["status"]?.text
            return event(
                status.map { "payment.\($0.lowercased())" }, object: json?["id"]?.text, status: status, byObject: true)
        case .tamara:
            let type = json?["event_type"]?.text
            return event(type, object: json?["order_id"]?.text, status: type, byObject: true)
        case .moyasar:
            return event(
                json?["type"]?.text, id: json?["id"]?.text, object: json?.at("data.id")?.text,
                status: json?.at("data.status")?.text,
                live: json?["live"].flatMap { if case .bool(let value) = $0 { value } else { nil } })
        case .urlToken:
            // Infobip's WhatsApp template review (TEMPLATE_STATUS_UPDATE): the template and language are the object,
            // the new status and Meta's reason (when it gave one) the status.
            if let name = json?["messageTemplateName"]?.text, let language = json?["messageTemplateLanguage"]?.text {
                let status = json?.at("change.newStatus")?.text
                let reason = json?.at("change.reason")?.text.flatMap { $0 == "NONE" ? nil : $0 }
                return event(
                    json?.at("change.type")?.text, object: "\(name)/\(language)",
                    status: status.map { status in reason.map { "\(status):\($0)" } ?? status }, byObject: true)
            }
            return event(json?.at("results.0.status.name")?.text ?? json?["type"]?.text)
        }
    }
}
