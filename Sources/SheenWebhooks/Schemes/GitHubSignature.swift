import Foundation

/// GitHub: `X-Hub-Signature-256: sha256=<hex of HMAC-SHA256(secret, body)>`; no timestamp.
enum GitHubSignature {
    static let header = "X-Hub-Signature-256"

    static func sign(body: Data, secret: String) -> String {
        "sha256=" + Digest.hex(Digest.hmacSHA256(Data(secret.utf8), body))
    }

    static func verify(_ request: WebhookRequest, secret: String) -> Verdict {
        guard let value = request.headers[header] else { return .rejected(.noSignatureHeader(header)) }
        guard value.hasPrefix("sha256="), let given = Digest.unhex(String(value.dropFirst(7))) else {
            return .rejected(.malformedSignature(header))
        }
        return Digest.equal(given, Digest.hmacSHA256(Data(secret.utf8), request.body))
            ? .genuine : .rejected(.noSignatureMatches)
    }
}
