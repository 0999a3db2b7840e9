import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Posts a form to an OAuth 2.0 token endpoint and reads the token response (RFC 6749 §5.1) or error (§5.2).
public struct TokenEndpoint: Sendable {
    public let url: String
    public let client: HTTPClient
    public let now: @Sendable () -> Date

    public init(url: String, client: HTTPClient = .shared, now: @escaping @Sendable () -> Date = { Date() }) {
        self.url = url
        self.client = client
        self.now = now
    }

    /// `form` as `application/x-www-form-urlencoded`, with HTTP Basic client authentication when `basic` is given.
    public func request(
        _ form: [(String, String)], basic: (user: String, password: String)? = nil
    ) async throws(OAuthError) -> OAuthToken {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        if let basic {
            let pair = Data("\(Self.formEncode(basic.user)):\(Self.formEncode(basic.password))".utf8)
            request.headers.add(name: "Authorization", value: "Basic \(pair.base64EncodedString())")
        }
        request.body = .bytes(ByteBuffer(string: Self.encode(form)))
        let status: Int
        let body: ByteBuffer
        do {
            let response = try await client.execute(request, timeout: .seconds(30))
            status = Int(response.status.code)
            body = try await response.body.collect(upTo: 1 << 20)
        } catch {
            throw .unreachable("\(error)")
        }
        let json = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
        guard (200..<300).contains(status) else {
            guard let error = json["error"] as? String else { throw .malformedResponse(status: status) }
            throw .refused(status: status, error: error, description: json["error_description"] as? String)
        }
        guard let access = json["access_token"] as? String, !access.isEmpty else {
            throw .malformedResponse(status: status)
        }
        let lifetime =
            (json["expires_in"] as? NSNumber)?.doubleValue ?? (json["expires_in"] as? String).flatMap(Double.init)
        return OAuthToken(
            accessToken: access, tokenType: json["token_type"] as? String ?? "Bearer",
            expiresAt: lifetime.map { now().addingTimeInterval($0) }, refreshToken: json["refresh_token"] as? String,
            scope: json["scope"] as? String)
    }

    static func encode(_ form: [(String, String)]) -> String {
        form.map { "\(formEncode($0.0))=\(formEncode($0.1))" }.joined(separator: "&")
    }

    /// RFC 6749 appendix B: application/x-www-form-urlencoded, spaces as `+`.
    static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text).replacingOccurrences(
            of: "%20", with: "+")
    }
}
