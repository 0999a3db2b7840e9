import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SheenEngine

/// The one HTTP layer every adapter goes through: resolves the URL, applies the provider's auth and idempotency
/// header, and turns transport errors, statuses and the provider's error bodies into ``StepFailure``s the engine can
/// classify (with `Retry-After` handed on for the scheduler).
public struct ProviderClient: Sendable {
    /// How a provider authenticates a request.
    public enum Authorization: Sendable {
        case none
        /// `Authorization: Bearer <token>` (Stripe, Tap, Tabby).
        case bearer(String)
        /// `Authorization: <scheme> <token>` (Paymob's `Token`, Infobip's `App`).
        case scheme(String, String)
        /// HTTP Basic (Moyasar, Twilio, Cloudinary).
        case basic(user: String, password: String)
        /// A header of the provider's own.
        case header(String, String)
    }

    /// How a provider reads a failed call's body into a sentence for the user; `nil` when it cannot.
    public typealias ErrorReader = @Sendable (ProviderResponse) -> String?

    public let provider: String
    public let base: String
    public let authorization: Authorization
    /// The header the provider takes an idempotency key in (`Idempotency-Key`); `nil` when it takes it in the body.
    public let idempotencyHeader: String?
    public let readError: ErrorReader
    public var timeout: TimeAmount
    let http: HTTPClient

    public init(
        provider: String, base: String, authorization: Authorization, idempotencyHeader: String? = nil,
        timeout: TimeAmount = .seconds(30), http: HTTPClient = ProviderClient.http, readError: @escaping ErrorReader
    ) {
        self.provider = provider
        self.base = base.hasSuffix("/") ? String(base.dropLast()) : base
        self.authorization = authorization
        self.idempotencyHeader = idempotencyHeader
        self.timeout = timeout
        self.http = http
        self.readError = readError
    }

    /// Sends `request`; answers 2xx as they are, everything else as a failure. `idempotencyKey` goes in the
    /// provider's header when it has one.
    public func send(
        _ request: ProviderRequest, idempotencyKey: String? = nil
    ) async throws(StepFailure)
        -> ProviderResponse
    {
        var url = base + request.path
        if !request.query.isEmpty { url += "?" + FormEncoding.encode(request.query) }
        var outgoing = HTTPClientRequest(url: url)
        outgoing.method = HTTPMethod(rawValue: request.method.rawValue)
        outgoing.headers.add(name: "User-Agent", value: "sheen/1")
        outgoing.headers.add(name: "Accept", value: "application/json")
        switch authorization {
        case .none: break
        case .bearer(let token): outgoing.headers.add(name: "Authorization", value: "Bearer \(token)")
        case .scheme(let scheme, let token): outgoing.headers.add(name: "Authorization", value: "\(scheme) \(token)")
        case .basic(let user, let password):
            let encoded = Data("\(user):\(password)".utf8).base64EncodedString()
            outgoing.headers.add(name: "Authorization", value: "Basic \(encoded)")
        case .header(let name, let value): outgoing.headers.add(name: name, value: value)
        }
        if let idempotencyKey, let idempotencyHeader {
            outgoing.headers.add(name: idempotencyHeader, value: idempotencyKey)
        }
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        if let (body, type) = request.encodedBody {
            outgoing.headers.add(name: "Content-Type", value: type)
            outgoing.body = .bytes(ByteBuffer(bytes: body))
        }
        var response = try await execute(outgoing, request)
        // A 429 with a short Retry-After was not processed, so sending it again is safe whatever the method: a step
        // that makes several calls (create, then poll) rides out a per-second limit such as Resend's 2/s without
        // failing the whole attempt. Longer waits go back to the engine's scheduler.
        for _ in 0..<Self.rateLimitRetries {
            guard response.status == 429, let value = response.header("Retry-After"),
                let wait = RetryAfter.parse(value, now: Date()), wait <= Self.longestInlineWait
            else { break }
            do {
                try await Task.sleep(for: wait)
            } catch {
                throw StepFailure(.network, message: "\(provider): cancelled while waiting out its rate limit")
            }
            response = try await execute(outgoing, request)
        }
        guard (200..<300).contains(response.status) else {
            let detail = readError(response) ?? ProviderResponse.excerpt(response.body)
            throw StepFailure(
                .http(status: response.status, retryAfter: response.header("Retry-After")),
                message:
                    "\(provider) refused \(request.method.rawValue) \(request.path) with \(response.status): \(detail)")
        }
        return response
    }

    static let rateLimitRetries = 3
    static let longestInlineWait: Duration = .seconds(5)

    /// Sends `outgoing` once; transport errors become failures the engine classifies.
    private func execute(
        _ outgoing: HTTPClientRequest, _ request: ProviderRequest
    ) async throws(StepFailure) -> ProviderResponse {
        do {
            try await RequestBudget.current?.beforeRequest()
        } catch {
            throw StepFailure(.network, message: "\(provider): cancelled while waiting for its rate limit")
        }
        do {
            let answer = try await http.execute(outgoing, timeout: timeout)
            let body = try await answer.body.collect(upTo: 8 << 20)
            var headers: [String: String] = [:]
            for field in answer.headers { headers[field.name.lowercased()] = field.value }
            return ProviderResponse(
                status: Int(answer.status.code), headers: headers, body: Data(body.readableBytesView))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw StepFailure(
                .timeout,
                message:
                    "\(provider) did not answer \(request.method.rawValue) \(request.path) within \(timeout.nanoseconds / 1_000_000_000) s"
            )
        } catch {
            throw StepFailure(.network, message: "\(provider) could not be reached at \(base): \(Self.describe(error))")
        }
    }

    /// One client for every provider call, for the life of the process. A refused connection or an unknown host
    /// fails at once instead of being retried inside the client until the request's deadline: the engine's own
    /// retries, with backoff and the circuit breaker, decide what happens next.
    public static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError { return "\(error)" }
        return String(describing: error)
    }
}
