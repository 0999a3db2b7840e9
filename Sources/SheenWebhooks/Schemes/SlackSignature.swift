import Foundation

/// Slack: `X-Slack-Request-Timestamp` and `X-Slack-Signature: v0=<hex of HMAC-SHA256(secret, "v0:ts:body")>`.
enum SlackSignature {
    static let header = "X-Slack-Signature"
    static let timestampHeader = "X-Slack-Request-Timestamp"

    static func sign(body: Data, secret: String, timestamp: Int) -> String {
        "v0=" + Digest.hex(mac(body, secret: secret, timestamp: String(timestamp)))
    }

    static func verify(_ request: WebhookRequest, secret: String, now: Date, tolerance: Int) -> Verdict {
        guard let value = request.headers[header] else { return .rejected(.noSignatureHeader(header)) }
        guard let timestamp = request.headers[timestampHeader], let seconds = Int(timestamp) else {
            return .rejected(.malformedSignature(timestampHeader))
        }
        guard value.hasPrefix("v0="), let given = Digest.unhex(String(value.dropFirst(3))) else {
            return .rejected(.malformedSignature(header))
        }
        if let offset = Tolerance.violation(seconds, now: now, tolerance: tolerance) {
            return .rejected(.timestampOutsideTolerance(offset: offset))
        }
        return Digest.equal(given, mac(request.body, secret: secret, timestamp: timestamp))
            ? .genuine : .rejected(.noSignatureMatches)
    }

    private static func mac(_ body: Data, secret: String, timestamp: String) -> Data {
        Digest.hmacSHA256(Data(secret.utf8), Data("v0:\(timestamp):".utf8) + body)
    }
}
