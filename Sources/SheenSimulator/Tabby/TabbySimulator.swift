import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A local Tabby (test keys): the webhook registry under `/api/v1/webhooks`, keyed by the `X-Merchant-Code` header
/// and the secret key, at most 4 per pair, answering the registered header back in every listing; and checkout
/// sessions, payments and captures (`TabbyPayments.swift`).
public struct TabbySimulator: Sendable {
    public static let secretKey = "sk_test_sheenTabbySimulator00000"
    public static let publicKey = "pk_test_sheenTabbySimulator00000"
    public static let merchantCode = "SHEEN_SANDBOX"
    static let limit = 4

    public let store: SimulatorStore<TabbyWorld>
    public let faults: Faults
    public let requests = RequestCounter()
    public let dispatcher: WebhookDispatcher
    public let completeAfter: Duration
    public let now: @Sendable () -> Date

    public init(
        stateFile: String? = nil, faults: Faults = Faults(), dispatcher: WebhookDispatcher = WebhookDispatcher(),
        completeAfter: Duration = .milliseconds(150), now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        store = try SimulatorStore(file: stateFile, initial: TabbyWorld())
        self.faults = faults
        self.dispatcher = dispatcher
        self.completeAfter = completeAfter
        self.now = now
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("api/v1/webhooks") { request, _ in
            await handle(request) { owner in
                let mine = await store.read { $0.webhooks.values.filter { $0.owner == owner }.sorted { $0.id < $1.id } }
                return (200, try SimulatorHTTP.encoded(mine))
            }
        }
        router.post("api/v1/webhooks") { request, _ in
            let body = await SimulatorHTTP.body(request)
            return await handle(request) { owner in try await register(body, owner: owner, test: true) }
        }
        router.delete("api/v1/webhooks/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await handle(request) { owner in
                let date = now()
                try await store.mutate { world in
                    guard world.webhooks[id]?.owner == owner else { throw TabbyError.notFound }
                    world.webhooks[id] = nil
                    world.record("webhook.deleted", id, at: date)
                }
                return (200, Data("{}".utf8))
            }
        }
        paymentRoutes(router)
        return router
    }

    func register(_ body: Data, owner: String, test: Bool) async throws -> (Int, Data) {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            throw TabbyError.badData("request body is not JSON")
        }
        guard let url = object["url"] as? String, let parsed = URLComponents(string: url), parsed.host != nil,
            ["http", "https"].contains(parsed.scheme)
        else { throw TabbyError.badData("url is required and must be an absolute URL") }
        let header = object["header"] as? [String: Any]
        guard let title = header?["title"] as? String, !title.isEmpty, let value = header?["value"] as? String,
            !value.isEmpty
        else { throw TabbyError.badData("header.title and header.value are required") }
        let date = now()
        let webhook = try await store.mutate { world -> TabbyWorld.Webhook in
            guard world.webhooks.values.count(where: { $0.owner == owner }) < Self.limit else {
                throw TabbyError.badData("a merchant code and key pair can have up to \(Self.limit) webhooks")
            }
            let webhook = TabbyWorld.Webhook(
                id: world.newID(), url: url, is_test: test, header: .init(title: title, value: value), owner: owner)
            world.webhooks[webhook.id] = webhook
            world.record("webhook.created", webhook.id, at: date)
            return webhook
        }
        try await faults.afterCommit(path: "/api/v1/webhooks")
        return (200, try SimulatorHTTP.encoded(webhook))
    }

    /// Answers `request` after faults and auth; `operation` gets whose it is: `merchant_code:key` where the API takes
    /// the `X-Merchant-Code` header (webhooks), the key alone elsewhere.
    func handle(
        _ request: Request, merchantHeader: Bool = true, _ operation: @Sendable (String) async throws -> (Int, Data)
    ) async -> Response {
        switch await SimulatorHTTP.prelude(faults, requests) {
        case .rateLimited: return TabbyError.rateLimited.response
        case .dropped: return SimulatorHTTP.dropped()
        case .serverError: return TabbyError.serverError.response
        case nil: break
        }
        guard let key = SimulatorHTTP.bearer(request), key.hasPrefix("sk_test_"), key.count >= 16 else {
            return TabbyError.notAuthorized.response
        }
        let code = HTTPField.Name("X-Merchant-Code").flatMap { request.headers[$0] } ?? ""
        if merchantHeader, code.isEmpty { return TabbyError.badData("X-Merchant-Code header is required").response }
        do {
            let (status, body) = try await operation(merchantHeader ? "\(code):\(key)" : key)
            return SimulatorHTTP.response(status, body)
        } catch let error as TabbyError {
            return error.response
        } catch is ConnectionDrop {
            return SimulatorHTTP.dropped()
        } catch {
            return TabbyError.serverError.response
        }
    }
}

/// An error as this simulator answers for Tabby: `{"status": "error", "errorType", "error"}`. Tabby's error body
/// was not found in its published docs (research/providers.md §4): this shape is unconfirmed, kept here alone.
struct TabbyError: Error, Sendable {
    var status: Int
    var type: String
    var message: String

    var response: Response {
        let body: [String: any Sendable] = ["status": "error", "errorType": type, "error": message]
        return SimulatorHTTP.response(status, (try? SimulatorHTTP.json(body)) ?? Data())
    }

    static func badData(_ message: String) -> TabbyError { TabbyError(status: 400, type: "bad_data", message: message) }
    static let notAuthorized = TabbyError(status: 401, type: "not_authorized", message: "invalid or missing secret key")
    static let notFound = TabbyError(status: 404, type: "not_found", message: "webhook not found")
    static let paymentNotFound = TabbyError(status: 404, type: "not_found", message: "payment not found")
    static let rateLimited = TabbyError(status: 429, type: "too_many_requests", message: "too many requests")
    static let serverError = TabbyError(status: 500, type: "internal", message: "internal error")
}
