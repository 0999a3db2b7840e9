import Foundation
import Hummingbird
import SheenModel

/// An error as Tap answers it: `{"errors": [{"code", "description"}]}` with its status. Codes and descriptions are
/// Tap's published table (developers.tap.company/reference/charge-response-codes, mirrored in
/// skanderphilipp/tap-payment-guideline). Unconfirmed, kept here in one place: which HTTP status goes with the
/// authentication codes (401 assumed), and the 429 body (Tap documents the status only; 9998 is its nearest code).
struct TapError: Error, Sendable {
    var status: Int
    var code: String
    var description: String

    var response: Response {
        let body: [String: any Sendable] = ["errors": [["code": code, "description": description]]]
        return SimulatorHTTP.response(status, (try? SimulatorHTTP.json(body)) ?? Data())
    }

    static func invalid(_ code: String, _ description: String) -> TapError {
        TapError(status: 400, code: code, description: description)
    }

    static func notFound(_ id: String) -> TapError {
        TapError(status: 404, code: "1144", description: "Charge id not found")
    }

    static let environmentMismatch = TapError(
        status: 401, code: "1101", description: "Secret API Key and Environment are mismatched")
    static let unauthorized = TapError(status: 401, code: "2107", description: "Authorization Required")
    static let invalidKey = TapError(status: 401, code: "2104", description: "Invalid API Key")
    static let rateLimited = TapError(
        status: 429, code: "9998",
        description: "Too many requests hit the API quickly. We recommend an exponential backoff of your requests.")
    static let serverError = TapError(status: 500, code: "9999", description: "Internal server error")
}

/// A create-charge body, validated as Tap does before anything is charged.
struct ChargeRequest {
    var amount: Decimal
    var currency: String
    var threeDSecure: Bool
    var description: String
    var metadata: [String: String]
    var customer: TapWorld.Charge.Customer
    var source: String
    var redirect: String
    var post: String?
    var transaction: String?
    var order: String?
    var idempotent: String?

    init(_ object: [String: Any]) throws(TapError) {
        guard let raw = object["amount"] else { throw .invalid("1117", "Amount is invalid") }
        guard let amount = Decimal(string: "\(raw)"), amount > 0 else {
            throw .invalid("1117", "Amount is invalid")
        }
        guard let currency = object["currency"] as? String else { throw .invalid("1118", "Currency code is invalid") }
        guard let code = CurrencyCode(rawValue: currency.uppercased()), let exponent = code.exponent else {
            throw .invalid("1118", "Currency code is invalid")
        }
        var scaled = amount * pow(10, exponent)
        var rounded = Decimal()
        NSDecimalRound(&rounded, &scaled, 0, .plain)
        guard rounded == scaled else {
            throw .invalid("9998", "Required inputs are invalid. Please check the currency or amount")
        }
        guard let customer = object["customer"] as? [String: Any] else {
            throw .invalid("1129", "Customer id or Customer information is required")
        }
        guard let first = customer["first_name"] as? String, !first.isEmpty else {
            throw .invalid("1130", "Customer's first name is required")
        }
        let phone = customer["phone"] as? [String: Any]
        guard customer["email"] is String || phone?["number"] is String else {
            throw .invalid("1139", "Customer phone number or email address is required")
        }
        guard let source = (object["source"] as? [String: Any])?["id"] as? String else {
            throw .invalid("1124", "Source id is missing")
        }
        guard ChargeRequest.known(source) else { throw .invalid("1125", "Source id is invalid") }
        let redirectMissing = (object["redirect"] as? [String: Any])?["url"] == nil
        guard let redirect = (object["redirect"] as? [String: Any])?["url"] as? String,
            URLComponents(string: redirect)?.host != nil
        else {
            throw .invalid(
                redirectMissing ? "1110" : "1111",
                redirectMissing ? "Redirect URL is missing" : "Redirect URL is invalid")
        }
        let reference = object["reference"] as? [String: Any]
        if let description = object["description"] as? String, description.count >= 1000 {
            throw .invalid("1121", "The 'description' should be less than 1000 characters")
        }
        if let order = reference?["order"] as? String, order.count >= 100 {
            throw .invalid("1122", "Merchant order reference length should be less than 100 characters")
        }
        if let transaction = reference?["transaction"] as? String, transaction.count >= 100 {
            throw .invalid("1123", "Merchant transaction reference length should be less than 100 characters")
        }
        for (key, value) in object["metadata"] as? [String: Any] ?? [:] {
            if key.count >= 250 { throw .invalid("1127", "The metadata key length should be less than 250 characters") }
            if "\(value)".count >= 1000 {
                throw .invalid("1128", "Metadata value length should be less than 1000 characters")
            }
        }
        self.amount = amount
        self.currency = code.rawValue
        threeDSecure = object["threeDSecure"] as? Bool ?? true
        description = object["description"] as? String ?? ""
        metadata = (object["metadata"] as? [String: Any])?.mapValues { "\($0)" } ?? [:]
        self.customer = TapWorld.Charge.Customer(
            first_name: first, middle_name: customer["middle_name"] as? String,
            last_name: customer["last_name"] as? String, email: customer["email"] as? String,
            phone: phone.map {
                .init(country_code: $0["country_code"].map { "\($0)" }, number: $0["number"] as? String)
            })
        self.source = source
        self.redirect = redirect
        post = (object["post"] as? [String: Any])?["url"] as? String
        transaction = reference?["transaction"] as? String
        order = reference?["order"] as? String
        idempotent = reference?["idempotent"] as? String
    }

    static func known(_ source: String) -> Bool {
        TapSimulator.sources.contains(source) || source.hasPrefix("tok_") || source.hasPrefix("auth_")
    }
}
