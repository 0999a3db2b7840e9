import Foundation
import Hummingbird
import SheenModel

/// An error as Tap answers it: `{"errors": [{"code", "description"}]}` with its status. Codes 1101 (key and
/// environment mismatched) and 1144 (charge not found) are Tap's (research/providers.md §2); the validation codes
/// below are this simulator's own choice, unconfirmed, kept here in one place.
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
        TapError(status: 404, code: "1144", description: "Charge not found")
    }

    static let environmentMismatch = TapError(
        status: 401, code: "1101", description: "Secret API Key and Environment are mismatched")
    static let unauthorized = TapError(
        status: 401, code: "2107", description: "Unauthorized: invalid or missing API key")
    static let rateLimited = TapError(status: 429, code: "9998", description: "Too many requests")
    static let serverError = TapError(status: 500, code: "9999", description: "Internal server error")
}

/// A create-charge body, validated as Tap does before anything is charged.
struct ChargeRequest {
    var amount: Decimal
    var currency: String
    var threeDSecure: Bool
    var description: String?
    var metadata: [String: String]?
    var customer: TapWorld.Charge.Customer
    var source: String
    var redirect: String
    var post: String?
    var transaction: String?
    var order: String?
    var idempotent: String?

    init(_ object: [String: Any]) throws(TapError) {
        guard let raw = object["amount"] else { throw .invalid("1117", "Amount is required") }
        guard let amount = Decimal(string: "\(raw)"), amount > 0 else {
            throw .invalid("1118", "Amount must be a positive number")
        }
        guard let currency = object["currency"] as? String else { throw .invalid("1119", "Currency is required") }
        guard let code = CurrencyCode(rawValue: currency.uppercased()), let exponent = code.exponent else {
            throw .invalid("1120", "Invalid currency \(currency)")
        }
        var scaled = amount * pow(10, exponent)
        var rounded = Decimal()
        NSDecimalRound(&rounded, &scaled, 0, .plain)
        guard rounded == scaled else {
            throw .invalid("1121", "Amount has more decimals than \(code.rawValue) allows (\(exponent))")
        }
        let customer = object["customer"] as? [String: Any]
        guard let customer, let first = customer["first_name"] as? String, !first.isEmpty else {
            throw .invalid("1122", "Customer first name is required")
        }
        let phone = customer["phone"] as? [String: Any]
        guard customer["email"] is String || phone?["number"] is String else {
            throw .invalid("1123", "Customer email or phone is required")
        }
        guard let source = (object["source"] as? [String: Any])?["id"] as? String else {
            throw .invalid("1124", "Source id is required")
        }
        guard ChargeRequest.known(source) else { throw .invalid("1125", "Invalid source id \(source)") }
        guard let redirect = (object["redirect"] as? [String: Any])?["url"] as? String,
            URLComponents(string: redirect)?.host != nil
        else { throw .invalid("1126", "Redirect URL is required") }
        let reference = object["reference"] as? [String: Any]
        self.amount = amount
        self.currency = code.rawValue
        threeDSecure = object["threeDSecure"] as? Bool ?? true
        description = object["description"] as? String
        metadata = (object["metadata"] as? [String: Any])?.mapValues { "\($0)" }
        self.customer = TapWorld.Charge.Customer(
            first_name: first, last_name: customer["last_name"] as? String, email: customer["email"] as? String,
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
