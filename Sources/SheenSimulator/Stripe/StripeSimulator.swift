import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SheenModel
import SheenWebhooks

/// A local Stripe (test mode) for the paths Sheen's adapter uses and users' own tests call: `/v1/account`,
/// `/v1/webhook_endpoints`, `/v1/payment_intents`. Every answer is built from the simulator's state, with Stripe's
/// shapes, validation and error bodies; `Idempotency-Key` replays the first answer (another request under the same
/// key is Stripe's `idempotency_error`); each side effect is in the ledger; payments deliver signed
/// `payment_intent.*` events to the registered endpoints.
public struct StripeSimulator: Sendable {
    /// Test keys the sandbox hands out; any well-formed test key is accepted, as in Stripe's test mode.
    public static let secretKey = "sk_test_sheenSimulator00000000000000"
    public static let publishableKey = "pk_test_sheenSimulator00000000000000"

    public let store: SimulatorStore<StripeWorld>
    public let faults: Faults
    /// Every request answered, reads included.
    public let requests = RequestCounter()
    public let dispatcher: WebhookDispatcher
    public let now: @Sendable () -> Date

    /// Currencies whose minor unit is a thousandth: Stripe takes them only with a last digit of 0.
    static let threeDecimal: Set<String> = ["bhd", "jod", "kwd", "omr", "tnd"]

    /// Stripe's test payment methods and what confirming with each does (docs.stripe.com/testing).
    static let testCards: [String: StripeWorld.PaymentIntent.PaymentError?] = [
        "pm_card_visa": nil, "pm_card_mastercard": nil, "pm_card_amex": nil,
        "pm_card_chargeDeclined": .init(
            code: "card_declined", decline_code: "generic_decline", message: "Your card was declined."),
        "pm_card_chargeDeclinedInsufficientFunds": .init(
            code: "card_declined", decline_code: "insufficient_funds", message: "Your card has insufficient funds."),
    ]

    public init(
        stateFile: String? = nil, faults: Faults = Faults(), dispatcher: WebhookDispatcher = WebhookDispatcher(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        store = try SimulatorStore(file: stateFile, initial: StripeWorld())
        self.faults = faults
        self.dispatcher = dispatcher
        self.now = now
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("v1/account") { request, _ in
            await handle(request, form: []) { world, _ in (200, try Self.encoded(world.account)) }
        }
        router.get("v1/webhook_endpoints") { request, _ in
            await handle(request, form: []) { world, _ in
                let limit = try Self.limit(request)
                let items = world.endpoints.values.sorted { ($0.created, $0.id) > ($1.created, $1.id) }
                return (
                    200,
                    try Self.list(
                        items.prefix(limit).map(Self.hidingSecret), more: items.count > limit,
                        url: "/v1/webhook_endpoints")
                )
            }
        }
        router.post("v1/webhook_endpoints") { request, _ in
            let form = await Self.form(request)
            return await handle(request, form: form, mutates: true) { world, date in
                try createEndpoint(&world, form: form, date: date, key: request.headers.idempotencyKey)
            }
        }
        router.post("v1/webhook_endpoints/:id") { request, context in
            let form = await Self.form(request)
            let id = context.parameters.get("id") ?? ""
            return await handle(request, form: form, mutates: true) { world, date in
                try updateEndpoint(&world, id: id, form: form, date: date)
            }
        }
        router.delete("v1/webhook_endpoints/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await handle(request, form: [], mutates: true) { world, date in
                guard world.endpoints.removeValue(forKey: id) != nil else {
                    throw StripeError.noSuch("webhook_endpoint", id)
                }
                world.record("webhook_endpoint.deleted", id, key: nil, at: date)
                return (200, try Self.json(["id": id, "object": "webhook_endpoint", "deleted": true]))
            }
        }
        router.post("v1/payment_intents") { request, _ in
            let form = await Self.form(request)
            return await handle(request, form: form, mutates: true) { world, date in
                try createIntent(&world, form: form, date: date, key: request.headers.idempotencyKey)
            }
        }
        router.get("v1/payment_intents") { request, _ in
            await handle(request, form: []) { world, _ in
                let limit = try Self.limit(request)
                let items = world.intents.values.sorted { ($0.created, $0.id) > ($1.created, $1.id) }
                return (
                    200,
                    try Self.list(Array(items.prefix(limit)), more: items.count > limit, url: "/v1/payment_intents")
                )
            }
        }
        router.get("v1/payment_intents/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await handle(request, form: []) { world, _ in
                guard let intent = world.intents[id] else { throw StripeError.noSuch("payment_intent", id) }
                return (200, try Self.encoded(intent))
            }
        }
        return router
    }

    // MARK: Operations

    func createEndpoint(
        _ world: inout StripeWorld, form: [(String, String)], date: Date, key: String?
    ) throws -> (Int, Data) {
        let values = Self.values(form)
        guard let url = values["url"]?.first else { throw StripeError.missing("url") }
        guard let parsed = URLComponents(string: url), ["http", "https"].contains(parsed.scheme), parsed.host != nil
        else {
            throw StripeError(
                status: 400, type: "invalid_request_error", code: "url_invalid", message: "Invalid URL: \(url)",
                param: "url")
        }
        guard let events = values["enabled_events[]"], !events.isEmpty else {
            throw StripeError.missing("enabled_events")
        }
        let id = world.newID("we")
        let secret = "whsec_" + Self.randomToken()
        let endpoint = StripeWorld.WebhookEndpoint(
            id: id, url: url, enabled_events: events, description: values["description"]?.first,
            metadata: Self.metadata(form), created: Int(date.timeIntervalSince1970), secret: secret)
        world.endpoints[id] = endpoint
        world.record("webhook_endpoint.created", id, key: key, at: date)
        return (200, try Self.encoded(endpoint))
    }

    func updateEndpoint(
        _ world: inout StripeWorld, id: String, form: [(String, String)], date: Date
    ) throws -> (Int, Data) {
        guard var endpoint = world.endpoints[id] else { throw StripeError.noSuch("webhook_endpoint", id) }
        let values = Self.values(form)
        if let url = values["url"]?.first { endpoint.url = url }
        if let events = values["enabled_events[]"] { endpoint.enabled_events = events }
        if let description = values["description"]?.first { endpoint.description = description }
        endpoint.metadata.merge(Self.metadata(form)) { _, new in new }
        world.endpoints[id] = endpoint
        world.record("webhook_endpoint.updated", id, key: nil, at: date)
        return (200, try Self.encoded(Self.hidingSecret(endpoint)))
    }

    func createIntent(
        _ world: inout StripeWorld, form: [(String, String)], date: Date, key: String?
    ) throws -> (Int, Data) {
        let values = Self.values(form)
        guard let amountText = values["amount"]?.first else { throw StripeError.missing("amount") }
        guard let amount = Int64(amountText) else { throw StripeError.invalidInteger("amount", amountText) }
        guard let currency = values["currency"]?.first?.lowercased() else { throw StripeError.missing("currency") }
        guard let code = CurrencyCode(rawValue: currency.uppercased()), code.exponent != nil else {
            throw StripeError(
                status: 400, type: "invalid_request_error", code: "parameter_invalid_string",
                message: "Invalid currency: \(currency). Stripe currently supports these currencies: …",
                param: "currency")
        }
        guard amount >= 1 else {
            throw StripeError(
                status: 400, type: "invalid_request_error", code: "amount_too_small",
                message: "Amount must be at least 1 \(currency)", param: "amount")
        }
        // stripe.com/docs/currencies: "the least-significant (last) digit [must] be 0". The error code Stripe uses
        // for this is not documented; `parameter_invalid_integer` is this simulator's guess (unconfirmed).
        if Self.threeDecimal.contains(currency), amount % 10 != 0 {
            throw StripeError(
                status: 400, type: "invalid_request_error", code: "parameter_invalid_integer",
                message:
                    "Amounts in \(currency) must end in 0: \(amount) is not supported; round to \(amount / 10 * 10) or \(amount / 10 * 10 + 10).",
                param: "amount")
        }
        let confirm = values["confirm"]?.first == "true"
        let method = values["payment_method"]?.first
        if confirm, method == nil { throw StripeError.missing("payment_method") }
        if confirm, values["automatic_payment_methods[enabled]"]?.first == "true",
            values["automatic_payment_methods[allow_redirects]"]?.first != "never", values["return_url"] == nil
        {
            throw StripeError(
                status: 400, type: "invalid_request_error", code: "parameter_missing",
                message:
                    "This PaymentIntent is configured to accept payment methods enabled in your Dashboard. Because some of these payment methods might redirect your customer off of your page, you must provide a `return_url`. If you don't want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and Payment Intents.",
                param: "return_url")
        }
        let outcome: StripeWorld.PaymentIntent.PaymentError??
        if let method {
            guard let known = Self.testCards[method] else {
                throw StripeError.noSuch("PaymentMethod", method, param: "payment_method")
            }
            outcome = .some(known)
        } else {
            outcome = nil
        }
        let id = world.newID("pi")
        var intent = StripeWorld.PaymentIntent(
            id: id, amount: amount, amount_received: 0, currency: currency,
            status: confirm ? "succeeded" : "requires_payment_method", payment_method: method,
            description: values["description"]?.first, metadata: Self.metadata(form),
            created: Int(date.timeIntervalSince1970), client_secret: "\(id)_secret_\(Self.randomToken().prefix(24))")
        world.record("payment_intent.created", id, key: key, at: date)
        if confirm, case .some(.some(let decline)) = outcome {
            intent.status = "requires_payment_method"
            intent.last_payment_error = decline
            world.intents[id] = intent
            world.record("payment_intent.payment_failed", id, key: key, at: date)
            throw StripeError(
                status: 402, type: "card_error", code: decline.code, message: decline.message, param: nil,
                declineCode: decline.decline_code)
        }
        if let automatic = values["automatic_payment_methods[enabled]"]?.first {
            intent.automatic_payment_methods.enabled = automatic == "true"
        }
        if confirm {
            intent.amount_received = amount
            intent.latest_charge = "ch_" + String(id.dropFirst(3))
            world.record("payment_intent.succeeded", id, key: key, at: date)
        }
        world.intents[id] = intent
        return (200, try Self.encoded(intent))
    }

    // MARK: Webhooks

    /// Sends `type` about `object` to every endpoint subscribed to it.
    func emit(_ type: String, object: Data, world: StripeWorld) {
        for endpoint in world.endpoints.values.sorted(by: { $0.id < $1.id })
        where endpoint.status == "enabled"
            && (endpoint.enabled_events.contains(type) || endpoint.enabled_events.contains("*"))
        {
            let eventID = "evt_" + Self.randomToken().prefix(24)
            let objectJSON = (try? JSONSerialization.jsonObject(with: object)) ?? [:]
            let event: [String: Any] = [
                "id": eventID, "object": "event", "api_version": "2024-06-20", "type": type,
                "created": Int(now().timeIntervalSince1970), "livemode": false, "pending_webhooks": 1,
                "data": ["object": objectJSON],
            ]
            guard let body = try? JSONSerialization.data(withJSONObject: event, options: [.sortedKeys]) else {
                continue
            }
            dispatcher.deliver(
                body, to: endpoint.url, scheme: .stripe, secret: endpoint.secret,
                faults: faults.plan, ledger: store, id: eventID, key: type, now: now)
        }
    }

    // MARK: Plumbing

    /// Faults, auth and idempotency around an operation; errors become Stripe's error bodies.
    func handle(
        _ request: Request, form: [(String, String)], mutates: Bool = false,
        _ operation: @Sendable (inout StripeWorld, Date) throws -> (Int, Data)
    ) async -> Response {
        // Stripe documents 25 requests a second in test mode (research/providers.md §1).
        switch await SimulatorHTTP.prelude(faults, requests, documentedRate: 25) {
        case .rateLimited: return Self.failure(StripeError.rateLimited)
        case .dropped: return SimulatorHTTP.dropped()
        case .serverError:
            var response = Self.failure(StripeError.serverError)
            if let name = HTTPField.Name("Stripe-Should-Retry") { response.headers[name] = "true" }
            return response
        case nil: break
        }
        guard let key = SimulatorHTTP.bearer(request) else {
            return Self.failure(
                StripeError(
                    status: 401, type: "invalid_request_error", code: nil,
                    message:
                        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY')."
                ))
        }
        guard key.hasPrefix("sk_test_") || key.hasPrefix("rk_test_"), key.count >= 16 else {
            return Self.failure(StripeError.invalidKey(key))
        }
        let idempotencyKey = mutates ? request.headers.idempotencyKey : nil
        let fingerprint = "\(request.method.rawValue) \(request.uri.path) " + FormText.canonical(form)
        let date = now()
        do {
            let (status, body, replayed, before, after) = try await store.mutate {
                world -> (Int, Data, Bool, StripeWorld, StripeWorld) in
                let before = world
                if let idempotencyKey, let replay = world.replays["\(key):\(idempotencyKey)"],
                    date.timeIntervalSince(replay.at) < 24 * 3600
                {
                    guard replay.request == fingerprint else {
                        throw StripeError(
                            status: 400, type: "idempotency_error", code: nil,
                            message:
                                "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '\(idempotencyKey)' if you meant to execute a different request."
                        )
                    }
                    return (replay.status, replay.body, true, before, world)
                }
                let status: Int
                let body: Data
                do {
                    (status, body) = try operation(&world, date)
                } catch let error as StripeError {
                    // Stripe stores the answer to an idempotent request that failed validation too.
                    status = error.status
                    body = Self.errorData(error)
                }
                if let idempotencyKey {
                    world.replays["\(key):\(idempotencyKey)"] = .init(
                        request: fingerprint, status: status, body: body, at: date)
                }
                return (status, body, false, before, world)
            }
            if !replayed { emitChanges(from: before, to: after) }
            if mutates, !replayed { try await faults.afterCommit(path: request.uri.path) }
            var response = Self.response(status, body)
            if replayed, let name = HTTPField.Name("Idempotent-Replayed") { response.headers[name] = "true" }
            return response
        } catch let error as StripeError {
            return Self.failure(error)
        } catch is ConnectionDrop {
            return SimulatorHTTP.dropped()
        } catch {
            return Self.failure(StripeError.serverError)
        }
    }

    /// Payment intents that changed status emit their event.
    func emitChanges(from before: StripeWorld, to after: StripeWorld) {
        for (id, intent) in after.intents where before.intents[id]?.status != intent.status || before.intents[id] == nil
        {
            let type: String? =
                switch intent.status {
                case "succeeded": "payment_intent.succeeded"
                case "requires_payment_method" where intent.last_payment_error != nil: "payment_intent.payment_failed"
                default: nil
                }
            if let type, let object = try? Self.encoded(intent) { emit(type, object: object, world: after) }
        }
    }

    static func values(_ form: [(String, String)]) -> [String: [String]] {
        var values: [String: [String]] = [:]
        for (name, value) in form { values[name, default: []].append(value) }
        return values
    }

    static func metadata(_ form: [(String, String)]) -> [String: String] {
        var metadata: [String: String] = [:]
        for (name, value) in form where name.hasPrefix("metadata[") && name.hasSuffix("]") {
            metadata[String(name.dropFirst(9).dropLast())] = value
        }
        return metadata
    }

    static func limit(_ request: Request) throws -> Int {
        guard let text = request.uri.queryParameters.get("limit") else { return 10 }
        guard let limit = Int(text) else { throw StripeError.invalidInteger("limit", text) }
        guard (1...100).contains(limit) else {
            throw StripeError(
                status: 400, type: "invalid_request_error", code: "parameter_invalid_integer",
                message: "This value must be greater than or equal to 1 and less than or equal to 100.", param: "limit")
        }
        return limit
    }

    static func hidingSecret(_ endpoint: StripeWorld.WebhookEndpoint) -> StripeWorld.EndpointView {
        StripeWorld.EndpointView(endpoint)
    }

    static func list<Item: Encodable>(_ items: [Item], more: Bool, url: String) throws -> Data {
        try encoded(StripeWorld.ListView(data: items, has_more: more, url: url))
    }

    static func encoded(_ value: some Encodable) throws -> Data { try SimulatorHTTP.encoded(value) }

    static func json(_ object: [String: any Sendable]) throws -> Data { try SimulatorHTTP.json(object) }

    static func errorData(_ error: StripeError) -> Data { (try? json(error.body)) ?? Data("{}".utf8) }

    static func failure(_ error: StripeError) -> Response { response(error.status, errorData(error)) }

    static func response(_ status: Int, _ body: Data) -> Response { SimulatorHTTP.response(status, body) }

    static func form(_ request: Request) async -> [(String, String)] {
        FormText.decode(String(decoding: await SimulatorHTTP.body(request), as: UTF8.self))
    }

    static func randomToken() -> String { SimulatorHTTP.token() }
}
