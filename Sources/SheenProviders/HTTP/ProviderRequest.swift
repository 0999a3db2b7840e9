import Foundation
import SheenEngine

/// One call to a provider's API, as an adapter describes it: the shared client adds the base URL, auth and the
/// idempotency key.
public struct ProviderRequest: Sendable {
    public enum Method: String, Sendable {
        case get = "GET"
        case post = "POST"
        case put = "PUT"
        case patch = "PATCH"
        case delete = "DELETE"
    }

    public enum Body: Sendable {
        case empty
        case json(Data)
        /// `application/x-www-form-urlencoded`, in the given order (Stripe, Unifonic).
        case form([(String, String)])
    }

    public var method: Method
    public var path: String
    public var query: [(String, String)]
    public var headers: [(String, String)]
    public var body: Body

    public init(
        _ method: Method, _ path: String, query: [(String, String)] = [], headers: [(String, String)] = [],
        body: Body = .empty
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The request's body bytes and content type.
    var encodedBody: (Data, String)? {
        switch body {
        case .empty: nil
        case .json(let data): (data, "application/json")
        case .form(let pairs): (Data(FormEncoding.encode(pairs).utf8), "application/x-www-form-urlencoded")
        }
    }
}

/// What the provider answered.
public struct ProviderResponse: Sendable {
    public var status: Int
    /// Header names lowercased.
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The body decoded as `T`; a provider answer that does not parse is a final failure naming the type.
    public func decode<T: Decodable>(_ type: T.Type, provider: String) throws(StepFailure) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: body)
        } catch {
            throw StepFailure(
                .invalid,
                message:
                    "\(provider) answered \(status) with a body Sheen cannot read as \(T.self): \(Self.excerpt(body))")
        }
    }

    static func excerpt(_ body: Data) -> String {
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        return body.count > 200 ? text + "…" : text
    }
}

/// `application/x-www-form-urlencoded` as browsers and Stripe's SDKs write it: only unreserved characters stay as
/// they are, a space is `%20`.
public enum FormEncoding {
    static let unreserved = CharacterSet(
        charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    public static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { escape($0.0) + "=" + escape($0.1) }.joined(separator: "&")
    }

    public static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }
}
