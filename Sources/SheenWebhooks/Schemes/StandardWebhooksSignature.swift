import Foundation

/// Standard Webhooks (and Svix, under `svix-*` names): `webhook-id`, `webhook-timestamp`, `webhook-signature`;
/// HMAC-SHA256 over `id.timestamp.body` with the base64 key after `whsec_`, base64; the signature header holds several
/// space-separated `v1,<sig>` entries during a secret's rotation.
enum StandardWebhooksSignature {
    static func sign(body: Data, secret: String, id: String, timestamp: Int) throws(WebhookError) -> String {
        guard let key = key(secret) else { throw .invalidSecret }
        return "v1," + mac(body, key: key, id: id, timestamp: String(timestamp)).base64EncodedString()
    }

    static func verify(_ request: WebhookRequest, secret: String, now: Date, tolerance: Int) -> Verdict {
        let prefix = request.headers["webhook-signature"] != nil ? "webhook" : "svix"
        guard let signature = request.headers["\(prefix)-signature"] else {
            return .rejected(.noSignatureHeader("webhook-signature"))
        }
        guard let id = request.headers["\(prefix)-id"], let timestamp = request.headers["\(prefix)-timestamp"],
            let seconds = Int(timestamp)
        else { return .rejected(.malformedSignature("\(prefix)-id/\(prefix)-timestamp")) }
        guard let key = key(secret) else { return .rejected(.invalidSecret) }
        if let offset = Tolerance.violation(seconds, now: now, tolerance: tolerance) {
            return .rejected(.timestampOutsideTolerance(offset: offset))
        }
        let expected = mac(request.body, key: key, id: id, timestamp: timestamp)
        let candidates = signature.split(separator: " ").compactMap { entry -> Data? in
            let parts = entry.split(separator: ",", maxSplits: 1)
            guard parts.count == 2, parts[0] == "v1" else { return nil }
            return Data(base64Encoded: String(parts[1]))
        }
        guard !candidates.isEmpty else { return .rejected(.malformedSignature("\(prefix)-signature")) }
        return candidates.contains { Digest.equal($0, expected) } ? .genuine : .rejected(.noSignatureMatches)
    }

    /// The key is the base64 after `whsec_` (the prefix is optional; unpadded base64 is accepted).
    static func key(_ secret: String) -> Data? {
        var text = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
        while text.count % 4 != 0 { text += "=" }
        guard let key = Data(base64Encoded: text), !key.isEmpty else { return nil }
        return key
    }

    private static func mac(_ body: Data, key: Data, id: String, timestamp: String) -> Data {
        Digest.hmacSHA256(key, Data("\(id).\(timestamp).".utf8) + body)
    }
}
