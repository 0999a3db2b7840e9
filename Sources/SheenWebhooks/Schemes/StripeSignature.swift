import Foundation

/// Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=…][,v0=…]`; HMAC-SHA256 over `t.body` keyed by the whole secret
/// string (`whsec_…` included); any one `v1` may match (secrets roll with two live).
enum StripeSignature {
    static let header = "Stripe-Signature"

    static func sign(body: Data, secret: String, timestamp: Int) -> String {
        "t=\(timestamp),v1=\(Digest.hex(mac(body, secret: secret, timestamp: String(timestamp))))"
    }

    static func verify(_ request: WebhookRequest, secret: String, now: Date, tolerance: Int) -> Verdict {
        guard let value = request.headers[header] else { return .rejected(.noSignatureHeader(header)) }
        var timestamp: String?
        var signatures: [Data] = []
        for part in value.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = pair[1] }
            if pair[0] == "v1", let bytes = Digest.unhex(pair[1]) { signatures.append(bytes) }
        }
        guard let timestamp, let seconds = Int(timestamp), !signatures.isEmpty else {
            return .rejected(.malformedSignature(header))
        }
        if let offset = Tolerance.violation(seconds, now: now, tolerance: tolerance) {
            return .rejected(.timestampOutsideTolerance(offset: offset))
        }
        let expected = mac(request.body, secret: secret, timestamp: timestamp)
        return signatures.contains { Digest.equal($0, expected) } ? .genuine : .rejected(.noSignatureMatches)
    }

    private static func mac(_ body: Data, secret: String, timestamp: String) -> Data {
        Digest.hmacSHA256(Data(secret.utf8), Data("\(timestamp).".utf8) + body)
    }
}

/// The ±tolerance rule of the timed schemes, in both directions.
enum Tolerance {
    /// The offset in seconds (positive: from the future) when it exceeds `tolerance`, else `nil`.
    static func violation(_ timestamp: Int, now: Date, tolerance: Int) -> Int? {
        let offset = timestamp - Int(now.timeIntervalSince1970.rounded(.down))
        return abs(offset) > tolerance ? offset : nil
    }
}
