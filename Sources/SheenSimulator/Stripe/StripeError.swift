/// An error as Stripe answers it: `{"error": {"type", "code", "message", "param"}}` with its status.
struct StripeError: Error, Sendable {
    var status: Int
    var type: String
    var code: String?
    var message: String
    var param: String?
    var declineCode: String?

    var body: [String: any Sendable] {
        var error: [String: any Sendable] = ["type": type, "message": message]
        if let code { error["code"] = code }
        if let param { error["param"] = param }
        if let declineCode { error["decline_code"] = declineCode }
        return ["error": error]
    }

    static func missing(_ param: String) -> StripeError {
        StripeError(
            status: 400, type: "invalid_request_error", code: "parameter_missing",
            message: "Missing required param: \(param).", param: param)
    }

    static func invalidInteger(_ param: String, _ value: String) -> StripeError {
        StripeError(
            status: 400, type: "invalid_request_error", code: "parameter_invalid_integer",
            message: "Invalid integer: \(value)", param: param)
    }

    static func noSuch(_ object: String, _ id: String, param: String? = nil) -> StripeError {
        StripeError(
            status: 404, type: "invalid_request_error", code: "resource_missing", message: "No such \(object): '\(id)'",
            param: param ?? "id")
    }

    static func invalidKey(_ key: String) -> StripeError {
        // Stripe shows only the key's prefix and last four characters.
        let shown = key.count > 12 ? "\(key.prefix(8))****\(key.suffix(4))" : "****"
        return StripeError(
            status: 401, type: "invalid_request_error", code: nil, message: "Invalid API Key provided: \(shown)")
    }

    static let rateLimited = StripeError(
        status: 429, type: "invalid_request_error", code: "rate_limit",
        message: "Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.")

    static let serverError = StripeError(
        status: 500, type: "api_error", code: nil,
        message: "Sorry, something went wrong. We've already been notified of the problem.")
}
