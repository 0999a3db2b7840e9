import Foundation
import Hummingbird
import NIOCore
import SheenModel
import SheenWebhooks

/// A local Paymob (test keys) for the Intention API: `POST /v1/intention/` and `GET /v1/intention/` under
/// `Authorization: Token …`. A test intention is paid by the simulator after `completeAfter` (or when its checkout
/// page is opened): a successful card transaction whose processed callback is POSTed to `notification_url` with
/// `?hmac=` over Paymob's 20 fields, keyed by the merchant's HMAC secret.
public struct PaymobSimulator: Sendable {
    public static let secretKey = "egy_sk_test_sheenPaymobSimulator0000"
    public static let publicKey = "egy_pk_test_sheenPaymobSimulator0000"
    public static let hmacSecret = "SHEENPAYMOBSIMULATORHMAC000000000"

    public let store: SimulatorStore<PaymobWorld>
    public let faults: Faults
    public let requests = RequestCounter()
    public let dispatcher: WebhookDispatcher
    public let completeAfter: Duration
    public let now: @Sendable () -> Date

    public init(
        stateFile: String? = nil, faults: Faults = Faults(), dispatcher: WebhookDispatcher = WebhookDispatcher(),
        completeAfter: Duration = .milliseconds(150), now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        store = try SimulatorStore(file: stateFile, initial: PaymobWorld())
        self.faults = faults
        self.dispatcher = dispatcher
        self.completeAfter = completeAfter
        self.now = now
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("v1/intention") { request, _ in
            let body = await SimulatorHTTP.body(request)
            return await handle(request) { owner in try await create(body, owner: owner) }
        }
        router.get("v1/intention") { request, _ in
            await handle(request) { owner in
                try await payDue()
                let mine = await store.read { world in
                    world.intentions.values.filter { $0.owner == owner }.sorted {
                        ($0.created, $0.id) > ($1.created, $1.id)
                    }
                }
                return (200, try SimulatorHTTP.encoded(IntentionList(count: mine.count, results: mine)))
            }
        }
        // The unified checkout page: in test mode, opening it pays.
        router.get("unifiedcheckout") { request, _ in
            let secret = request.uri.queryParameters.get("clientSecret") ?? ""
            let id = await store.read { $0.intentions.values.first { $0.client_secret == secret }?.id }
            try await payDue(force: id)
            return Response(
                status: id == nil ? .notFound : .ok, headers: [.contentType: "text/html; charset=utf-8"],
                body: .init(
                    byteBuffer: ByteBuffer(
                        string: "<!doctype html><p>Test payment completed. You can close this page.</p>")))
        }
        return router
    }

    func create(_ body: Data, owner: String) async throws -> (Int, Data) {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            throw PaymobError.invalid(["detail": "JSON parse error"])
        }
        var problems: [String: [String]] = [:]
        let amount = Int("\(object["amount"] ?? "")")
        if amount == nil || amount ?? 0 <= 0 { problems["amount"] = ["A valid integer is required."] }
        let currency = (object["currency"] as? String)?.uppercased() ?? ""
        if CurrencyCode(rawValue: currency)?.exponent == nil {
            problems["currency"] = ["\"\(currency)\" is not a valid choice."]
        }
        if (object["payment_methods"] as? [Any])?.isEmpty ?? true {
            problems["payment_methods"] = ["This field is required."]
        }
        let billing = object["billing_data"] as? [String: Any]
        for field in ["first_name", "last_name", "email", "phone_number"]
        where (billing?[field] as? String)?.isEmpty ?? true {
            problems["billing_data.\(field)"] = ["This field is required."]
        }
        if let items = object["items"] as? [[String: Any]], let amount {
            let total = items.reduce(0) {
                $0 + (Int("\($1["amount"] ?? 0)") ?? 0) * (Int("\($1["quantity"] ?? 1)") ?? 1)
            }
            if !items.isEmpty, total != amount {
                problems["items"] = ["Items total \(total) does not match the amount \(amount)."]
            }
        }
        guard problems.isEmpty, let amount else { throw PaymobError.invalid(problems) }
        let date = now()
        let reference = object["special_reference"] as? String
        let intention = try await store.mutate { world -> PaymobWorld.Intention in
            // Special references are unique per merchant: a reused one is refused, as Paymob refuses it.
            if let reference,
                world.intentions.values.contains(where: { $0.owner == owner && $0.special_reference == reference })
            {
                throw PaymobError.invalid(["special_reference": ["special reference already exists"]])
            }
            let number = world.next()
            let intention = PaymobWorld.Intention(
                id: "pi_test_\(SimulatorHTTP.token(24))", client_secret: "egy_csk_test_\(SimulatorHTTP.token(24))",
                intention_order_id: 300_000 + number, status: "intended", amount: amount, currency: currency,
                special_reference: reference, notification_url: object["notification_url"] as? String,
                redirection_url: object["redirection_url"] as? String,
                created: ISO8601DateFormatter().string(from: date), owner: owner)
            world.intentions[intention.id] = intention
            world.record("intention.created", intention.id, key: reference, at: date)
            return intention
        }
        let delay = completeAfter
        Task {
            try? await Task.sleep(for: delay)
            try? await payDue()
        }
        try await faults.afterCommit(path: "/v1/intention")
        return (201, try SimulatorHTTP.encoded(intention))
    }

    /// Pays every intention older than `completeAfter` (and `force` at once), then sends its callback.
    func payDue(force: String? = nil) async throws {
        let date = now()
        let paid = try await store.mutate { world -> [PaymobWorld.Intention] in
            var done: [PaymobWorld.Intention] = []
            for (id, intention) in world.intentions where intention.status == "intended" {
                let created = ISO8601DateFormatter().date(from: intention.created) ?? date
                let waited = Duration.milliseconds(Int64(date.timeIntervalSince(created) * 1000))
                guard waited >= completeAfter || id == force else { continue }
                var paid = intention
                paid.status = "paid"
                paid.transaction_id = 900_000 + world.next()
                world.intentions[id] = paid
                world.record("transaction.succeeded", id, key: intention.special_reference, at: date)
                done.append(paid)
            }
            return done
        }
        for intention in paid { callback(intention, at: date) }
    }

    /// The processed callback: the transaction under `obj`, signed into `?hmac=`.
    func callback(_ intention: PaymobWorld.Intention, at date: Date) {
        guard let url = intention.notification_url, let transaction = intention.transaction_id else { return }
        let object: [String: Any] = [
            "type": "TRANSACTION",
            "obj": [
                "id": transaction, "amount_cents": intention.amount, "currency": intention.currency,
                "created_at": ISO8601DateFormatter().string(from: date), "error_occured": false,
                "has_parent_transaction": false, "integration_id": 4_000_001, "is_3d_secure": true, "is_auth": false,
                "is_capture": false, "is_refunded": false, "is_standalone_payment": true, "is_voided": false,
                "order": [
                    "id": intention.intention_order_id, "amount_cents": intention.amount,
                    "paid_amount_cents": intention.amount, "payment_method": "tbc",
                ], "owner": 1188, "pending": false, "redirect_url": NSNull(), "data": ["bill_reference": 0],
                "source_data": ["pan": "2346", "sub_type": "MasterCard", "type": "card"], "success": true,
                "special_reference": intention.special_reference ?? "",
            ],
        ]
        guard let body = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        dispatcher.deliver(
            body, to: url, scheme: .paymob, secret: Self.hmacSecret, faults: faults.plan,
            ledger: store, id: intention.id, key: nil, now: now)
    }

    func handle(_ request: Request, _ operation: @Sendable (String) async throws -> (Int, Data)) async -> Response {
        switch await SimulatorHTTP.prelude(faults, requests) {
        case .rateLimited: return PaymobError(status: 429, body: ["detail": "Request was throttled."]).response
        case .dropped: return SimulatorHTTP.dropped()
        case .serverError: return PaymobError(status: 500, body: ["detail": "Internal server error."]).response
        case nil: break
        }
        guard let value = request.headers[.authorization], value.lowercased().hasPrefix("token ") else {
            return PaymobError(status: 401, body: ["detail": "Authentication credentials were not provided."]).response
        }
        let key = String(value.dropFirst(6))
        guard key.contains("_sk_test_"), key.count >= 20 else {
            return PaymobError(status: 401, body: ["detail": "Invalid token."]).response
        }
        do {
            let (status, body) = try await operation(key)
            return SimulatorHTTP.response(status, body)
        } catch let error as PaymobError {
            return error.response
        } catch is ConnectionDrop {
            return SimulatorHTTP.dropped()
        } catch {
            return PaymobError(status: 500, body: ["detail": "Internal server error."]).response
        }
    }
}

/// An error as Paymob's API answers (Django REST framework style: `{"detail": …}` or field to messages). The shape is
/// unconfirmed in Paymob's published docs; kept here in one place.
struct PaymobError: Error, Sendable {
    var status: Int
    var body: [String: any Sendable]

    static func invalid(_ body: [String: any Sendable]) -> PaymobError { PaymobError(status: 400, body: body) }

    var response: Response {
        SimulatorHTTP.response(
            status, (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data())
    }
}
