import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SheenApplication
import SheenModel

/// Every answer of the API: JSON bodies, and errors in one shape,
/// `{"error": {"code", "message": {"en", "ar"}, "field"?, "correlation_id"}}`, with the request's correlation id
/// also in the `X-Request-Id` header.
enum APIResponse {
    static let correlationHeader = field("X-Request-Id")
    static let idempotencyHeader = field("Idempotency-Key")
    static let replayedHeader = field("Idempotent-Replayed")
    static let lastEventHeader = field("Last-Event-ID")
    static let securityPolicyHeader = field("Content-Security-Policy")
    static let noSniffHeader = field("X-Content-Type-Options")

    /// A header name written in this file: a valid token by construction, so a failure is a programming error.
    static func field(_ name: String) -> HTTPField.Name {
        guard let field = HTTPField.Name(name) else { preconditionFailure("not a header name: \(name)") }
        return field
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func json(_ status: HTTPResponse.Status, _ value: some Encodable, correlation: String) -> Response {
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return raw(status, data, correlation: correlation)
    }

    /// A body that is JSON text already (a plan document, a stored summary).
    static func raw(
        _ status: HTTPResponse.Status, _ data: Data, correlation: String, type: String = "application/json"
    ) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[correlationHeader] = correlation
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    struct ErrorBody: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: LocalizedText
            var field: String?
            // swift-format-ignore: AlwaysUseLowerCamelCase
            var correlation_id: String
        }

        var error: Detail
    }

    static func error(
        _ status: HTTPResponse.Status, code: String, _ message: LocalizedText, field: String? = nil,
        correlation: String, headers extra: HTTPFields = [:]
    ) -> Response {
        var response = json(
            status,
            ErrorBody(error: .init(code: code, message: message, field: field, correlation_id: correlation)),
            correlation: correlation)
        response.headers.append(contentsOf: extra)
        return response
    }

    /// The status a refusal of the use cases maps to.
    static func status(of error: ConsoleError) -> HTTPResponse.Status {
        switch error {
        case .invalid: .unprocessableContent
        case .noProject, .noToken, .noLaunch, .noEvent, .noConnection: .notFound
        case .projectExists, .idempotencyConflict: .conflict
        case .refused: .unprocessableContent
        case .store: .serviceUnavailable
        }
    }
}
