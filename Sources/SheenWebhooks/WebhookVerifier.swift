import Foundation

/// Verifies and signs deliveries for every scheme: pure functions of the request, the secret and the clock.
public struct WebhookVerifier: Sendable {
    /// Seconds a timed scheme's timestamp may differ from now, either way.
    public var tolerance: Int
    /// The header Tabby's registration names (`header.title`), if not the default.
    public var tabbyHeader: String

    public init(tolerance: Int = 300, tabbyHeader: String = "X-Tabby-Signature") {
        self.tolerance = tolerance
        self.tabbyHeader = tabbyHeader
    }

    public func verify(
        _ request: WebhookRequest, scheme: WebhookScheme, secret: String, now: Date = Date()
    ) async -> Verdict {
        switch scheme {
        case .stripe: StripeSignature.verify(request, secret: secret, now: now, tolerance: tolerance)
        case .standardWebhooks:
            StandardWebhooksSignature.verify(request, secret: secret, now: now, tolerance: tolerance)
        case .github: GitHubSignature.verify(request, secret: secret)
        case .slack: SlackSignature.verify(request, secret: secret, now: now, tolerance: tolerance)
        case .twilio: TwilioSignature.verify(request, secret: secret)
        case .paymob: PaymobSignature.verify(request, secret: secret)
        case .tap: TapSignature.verify(request, secret: secret)
        case .tabby: StaticTokenSignature.verifyHeader(request, name: tabbyHeader, secret: secret)
        case .tamara: await TamaraSignature.verify(request, secret: secret)
        case .moyasar: StaticTokenSignature.verifyBody(request, secret: secret)
        case .urlToken: StaticTokenSignature.verifyURL(request, secret: secret)
        }
    }

    /// A delivery of `body` signed as `scheme` would sign it: the headers to send and the URL to call (for the schemes
    /// that sign or carry values in it). `id` names the message where the scheme signs one.
    public func sign(
        body: Data, scheme: WebhookScheme, secret: String, now: Date = Date(), id: String? = nil, url: String? = nil
    ) async throws(WebhookError) -> WebhookRequest {
        let timestamp = Int(now.timeIntervalSince1970)
        var headers = WebhookHeaders()
        var target = url
        switch scheme {
        case .stripe:
            headers.set(StripeSignature.header, StripeSignature.sign(body: body, secret: secret, timestamp: timestamp))
        case .standardWebhooks:
            let message = id ?? "msg_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(24))"
            headers.set("webhook-id", message)
            headers.set("webhook-timestamp", String(timestamp))
            headers.set(
                "webhook-signature",
                try StandardWebhooksSignature.sign(body: body, secret: secret, id: message, timestamp: timestamp))
        case .github:
            headers.set(GitHubSignature.header, GitHubSignature.sign(body: body, secret: secret))
        case .slack:
            headers.set(SlackSignature.timestampHeader, String(timestamp))
            headers.set(SlackSignature.header, SlackSignature.sign(body: body, secret: secret, timestamp: timestamp))
        case .twilio:
            guard let url else { throw .urlRequired }
            headers.set(TwilioSignature.header, TwilioSignature.sign(url: url, body: body, secret: secret))
        case .paymob:
            guard let json = JSONNode.parse(body), let transaction = json["obj"] ?? (json["id"] != nil ? json : nil),
                let hmac = PaymobSignature.sign(transaction: transaction, secret: secret)
            else { throw .malformedBody }
            target = Self.adding("hmac", hmac, to: url ?? "http://127.0.0.1/")
        case .tap:
            headers.set(TapSignature.header, try TapSignature.sign(body: body, secret: secret))
        case .tabby:
            headers.set(tabbyHeader, secret)
        case .tamara:
            let token = try await TamaraSignature.sign(secret: secret, now: now)
            headers.set("Authorization", "Bearer \(token)")
            target = Self.adding(TamaraSignature.parameter, token, to: url ?? "http://127.0.0.1/")
        case .moyasar:
            throw .malformedBody  // The token is part of the body itself: write it there.
        case .urlToken:
            target = Self.adding(StaticTokenSignature.urlParameter, secret, to: url ?? "http://127.0.0.1/")
        }
        headers.set(
            "Content-Type",
            scheme == .twilio && !body.starts(with: Data("{".utf8))
                ? "application/x-www-form-urlencoded" : "application/json")
        return WebhookRequest(headers: headers, body: body, url: target)
    }

    static func adding(_ name: String, _ value: String, to url: String) -> String {
        guard var components = URLComponents(string: url) else { return url }
        components.queryItems = (components.queryItems ?? []) + [URLQueryItem(name: name, value: value)]
        return components.string ?? url
    }
}
