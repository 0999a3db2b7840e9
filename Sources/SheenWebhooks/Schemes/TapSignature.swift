import Foundation
import SheenModel

/// Tap: header `hashstring`, hex HMAC-SHA256 keyed by the secret API key over `x_`-prefixed fields. Charges,
/// authorizations and refunds sign id, amount, currency, gateway and payment references, status and creation time;
/// invoices sign id, amount, currency, updated, status and created. Amounts carry the currency's ISO decimals
/// (`1.500` KWD, `1.00` SAR).
enum TapSignature {
    static let header = "hashstring"

    static func string(for object: JSONNode) -> Result<String, Rejection> {
        guard let currencyText = object["currency"]?.text, let amount = object["amount"]?.decimal else {
            return .failure(.missingField(object["currency"] == nil ? "currency" : "amount"))
        }
        let decimals = CurrencyCode(rawValue: currencyText)?.exponent ?? 2
        let formatted = format(amount, decimals: decimals)
        let isInvoice = object["object"]?.text == "invoice" || object["id"]?.text?.hasPrefix("inv_") == true
        let paths: [(String, String)] =
            isInvoice
            ? [("x_id", "id"), ("x_updated", "updated"), ("x_status", "status"), ("x_created", "created")]
            : [
                ("x_id", "id"), ("x_gateway_reference", "reference.gateway"),
                ("x_payment_reference", "reference.payment"), ("x_status", "status"),
                ("x_created", "transaction.created"),
            ]
        var values: [String: String] = ["x_amount": formatted, "x_currency": currencyText]
        for (name, path) in paths {
            guard let value = object.at(path)?.text else { return .failure(.missingField(path)) }
            values[name] = value
        }
        let order =
            isInvoice
            ? ["x_id", "x_amount", "x_currency", "x_updated", "x_status", "x_created"]
            : ["x_id", "x_amount", "x_currency", "x_gateway_reference", "x_payment_reference", "x_status", "x_created"]
        return .success(order.map { $0 + (values[$0] ?? "") }.joined())
    }

    static func sign(body: Data, secret: String) throws(WebhookError) -> String {
        guard let object = JSONNode.parse(body) else { throw .malformedBody }
        switch string(for: object) {
        case .success(let text): return Digest.hex(Digest.hmacSHA256(Data(secret.utf8), Data(text.utf8)))
        case .failure(let rejection): throw .rejected(rejection)
        }
    }

    static func verify(_ request: WebhookRequest, secret: String) -> Verdict {
        guard let value = request.headers[header] else { return .rejected(.noSignatureHeader(header)) }
        guard let given = Digest.unhex(value.lowercased()) else { return .rejected(.malformedSignature(header)) }
        guard let object = JSONNode.parse(request.body) else { return .rejected(.malformedBody) }
        switch string(for: object) {
        case .failure(let rejection): return .rejected(rejection)
        case .success(let text):
            return Digest.equal(given, Digest.hmacSHA256(Data(secret.utf8), Data(text.utf8)))
                ? .genuine : .rejected(.noSignatureMatches)
        }
    }

    /// `amount` rounded half-even to `decimals` places and written with exactly that many.
    static func format(_ amount: Decimal, decimals: Int) -> String {
        var value = amount
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, decimals, .bankers)
        let formatter = NumberFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.minimumFractionDigits = decimals
        formatter.maximumFractionDigits = decimals
        formatter.minimumIntegerDigits = 1
        formatter.usesGroupingSeparator = false
        return formatter.string(from: rounded as NSDecimalNumber) ?? "\(rounded)"
    }
}
