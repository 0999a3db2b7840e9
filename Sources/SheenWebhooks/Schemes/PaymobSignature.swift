import Foundation

/// Paymob (Accept) transaction callbacks: `?hmac=` is hex HMAC-SHA512, keyed by the HMAC secret, over 20 documented
/// fields concatenated in order (booleans lowercase). A POST "processed" callback carries the transaction as `obj` in
/// its JSON body; a GET "response" callback carries flat query keys (`order` instead of `order.id`).
enum PaymobSignature {
    static let fields = [
        "amount_cents", "created_at", "currency", "error_occured", "has_parent_transaction", "id", "integration_id",
        "is_3d_secure", "is_auth", "is_capture", "is_refunded", "is_standalone_payment", "is_voided", "order.id",
        "owner", "pending", "source_data.pan", "source_data.sub_type", "source_data.type", "success",
    ]

    /// The hex HMAC of a transaction object.
    static func sign(transaction: JSONNode, secret: String) -> String? {
        concatenated(transaction).map { Digest.hex(Digest.hmacSHA512(Data(secret.utf8), Data($0.utf8))) }
    }

    static func verify(_ request: WebhookRequest, secret: String) -> Verdict {
        guard let given = request.query("hmac") ?? request.headers["hmac"] else {
            return .rejected(.noSignatureHeader("hmac"))
        }
        guard let givenBytes = Digest.unhex(given.lowercased()) else { return .rejected(.malformedSignature("hmac")) }
        let text: String
        if !request.body.isEmpty {
            guard let json = JSONNode.parse(request.body),
                let transaction = json["obj"] ?? (json["id"] != nil ? json : nil)
            else { return .rejected(.malformedBody) }
            guard let joined = concatenated(transaction) else { return .rejected(.missingField(missing(transaction))) }
            text = joined
        } else {
            guard let url = request.url, let items = URLComponents(string: url)?.queryItems else {
                return .rejected(.urlRequired)
            }
            var query: [String: String] = [:]
            for item in items { query[item.name] = item.value ?? "" }
            var parts: [String] = []
            for field in fields {
                guard let value = query[field == "order.id" ? "order" : field] else {
                    return .rejected(.missingField(field))
                }
                parts.append(value)
            }
            text = parts.joined()
        }
        return Digest.equal(givenBytes, Digest.hmacSHA512(Data(secret.utf8), Data(text.utf8)))
            ? .genuine : .rejected(.noSignatureMatches)
    }

    static func concatenated(_ transaction: JSONNode) -> String? {
        var parts: [String] = []
        for field in fields {
            guard let value = transaction.at(field)?.text else { return nil }
            parts.append(value)
        }
        return parts.joined()
    }

    private static func missing(_ transaction: JSONNode) -> String {
        fields.first { transaction.at($0)?.text == nil } ?? "obj"
    }
}
