import Foundation

/// Providers that sign nothing and prove a delivery by repeating a secret: Tabby sends the header registered with the
/// webhook, Moyasar puts `secret_token` in the body, and for providers with neither (Infobip) Sheen puts a token in
/// the webhook URL. Each is compared in constant time; none protects the body, so their events count as evidence only
/// once an adapter confirms them through the provider's API.
enum StaticTokenSignature {
    /// The header Tabby's webhook registration names by default (`header.title`).
    static let tabbyHeader = "X-Tabby-Signature"
    static let urlParameter = "token"

    static func verifyHeader(_ request: WebhookRequest, name: String, secret: String) -> Verdict {
        guard let value = request.headers[name] else { return .rejected(.noSignatureHeader(name)) }
        return Digest.equal(value, secret) ? .genuine : .rejected(.noSignatureMatches)
    }

    static func verifyBody(_ request: WebhookRequest, secret: String) -> Verdict {
        guard let json = JSONNode.parse(request.body) else { return .rejected(.malformedBody) }
        guard let token = json["secret_token"]?.text else { return .rejected(.missingField("secret_token")) }
        return Digest.equal(token, secret) ? .genuine : .rejected(.noSignatureMatches)
    }

    static func verifyURL(_ request: WebhookRequest, secret: String) -> Verdict {
        guard request.url != nil else { return .rejected(.urlRequired) }
        guard let token = request.query(urlParameter) else { return .rejected(.noSignatureHeader("?\(urlParameter)=")) }
        return Digest.equal(token, secret) ? .genuine : .rejected(.noSignatureMatches)
    }
}
