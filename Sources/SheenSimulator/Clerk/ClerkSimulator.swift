// swift-format-ignore-file: AlwaysUseLowerCamelCase
// Wire types spell fields as Clerk does.

import Foundation
import HTTPTypes
import Hummingbird

/// What the Clerk simulator knows: the instance behind the secret key and its allowed origins
/// (research/providers.md §13). Unconfirmed, kept here in one place: the instance object's fields beyond `id` and
/// `environment_type`, `allowed_origins` being settable through `PATCH /v1/instance` with a 204, and the error codes.
public struct ClerkWorld: SimulatorWorld {
    public var allowed_origins: [String] = []
    public var ledger: [LedgerEntry] = []

    public init() {}
}

/// A local Clerk Backend API: `GET /v1/instance` and `PATCH /v1/instance`, Bearer `sk_test_…` keys (a live key is
/// refused in this development instance), errors as `{"errors": [{"message", "long_message", "code"}]}`, and the
/// documented development limit (100 requests in 10 s) answered 429 with `Retry-After`.
public struct ClerkSimulator: Sendable {
    public static let secretKey = "sk_test_sheenClerkSandbox0000000000000000"
    public static let publishableKey = "pk_test_c2hlZW4tY2xlcmstc2FuZGJveC5jbGVyay5hY2NvdW50cy5kZXYk"

    public let store: SimulatorStore<ClerkWorld>
    public let faults: Faults
    public let requests = RequestCounter()
    public let now: @Sendable () -> Date

    public init(
        stateFile: String? = nil, faults: Faults = Faults(), now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        store = try SimulatorStore(file: stateFile, initial: ClerkWorld())
        self.faults = faults
        self.now = now
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("v1/instance") { request, _ in
            await handle(request) {
                let origins = await store.read { $0.allowed_origins }
                let instance: [String: any Sendable] = [
                    "object": "instance", "id": "ins_sheenSandbox", "environment_type": "development",
                    "allowed_origins": origins,
                ]
                return (200, try SimulatorHTTP.json(instance))
            }
        }
        router.patch("v1/instance") { request, _ in
            let body = await SimulatorHTTP.body(request)
            return await handle(request) {
                guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
                    throw ClerkError(status: 400, code: "form_param_format_invalid", message: "Invalid request body")
                }
                if let origins = object["allowed_origins"] {
                    guard let list = origins as? [String],
                        list.allSatisfy({
                            URLComponents(string: $0)?.host != nil
                                && ["http", "https"].contains(URLComponents(string: $0)?.scheme)
                        })
                    else {
                        throw ClerkError(
                            status: 422, code: "form_param_format_invalid",
                            message: "allowed_origins must be a list of origins such as https://example.com")
                    }
                    let date = now()
                    try await store.mutate { world in
                        world.allowed_origins = list
                        world.record("instance.updated", "ins_sheenSandbox", key: list.joined(separator: ","), at: date)
                    }
                    try await faults.afterCommit(path: "/v1/instance")
                }
                return (204, Data())
            }
        }
        return router
    }

    func handle(_ request: Request, _ operation: @Sendable () async throws -> (Int, Data)) async -> Response {
        switch await SimulatorHTTP.prelude(faults, requests, documentedRate: 10) {
        case .rateLimited(let retryAfter):
            var response = ClerkError(status: 429, code: "too_many_requests", message: "Too many requests").response
            if let name = HTTPField.Name("Retry-After") { response.headers[name] = String(retryAfter ?? 1) }
            return response
        case .dropped: return SimulatorHTTP.dropped()
        case .serverError:
            return ClerkError(status: 500, code: "internal_clerk_error", message: "Oops, an unexpected error occurred")
                .response
        case nil: break
        }
        guard let key = SimulatorHTTP.bearer(request) else {
            return ClerkError(
                status: 401, code: "authorization_header_missing", message: "Authorization header missing"
            ).response
        }
        guard key == Self.secretKey else {
            return ClerkError(status: 401, code: "authentication_invalid", message: "Invalid authentication").response
        }
        do {
            let (status, body) = try await operation()
            return status == 204 ? Response(status: .noContent) : SimulatorHTTP.response(status, body)
        } catch let error as ClerkError {
            return error.response
        } catch is ConnectionDrop {
            return SimulatorHTTP.dropped()
        } catch {
            return ClerkError(status: 500, code: "internal_clerk_error", message: "Oops").response
        }
    }
}

/// Clerk's error body: `{"errors": [{"message", "long_message", "code"}]}`.
struct ClerkError: Error, Sendable {
    var status: Int
    var code: String
    var message: String

    var response: Response {
        let body: [String: any Sendable] = ["errors": [["message": message, "long_message": message, "code": code]]]
        return SimulatorHTTP.response(status, (try? SimulatorHTTP.json(body)) ?? Data())
    }
}
