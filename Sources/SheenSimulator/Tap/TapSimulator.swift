import Foundation
import Hummingbird
import NIOCore
import SheenModel
import SheenWebhooks

/// A local Tap (test mode): `POST /v2/charges`, `GET /v2/charges/{id}`, `POST /v2/charges/list`. A charge starts
/// INITIATED with a `transaction.url` to pay at; in test mode the simulator completes it by itself after
/// `completeAfter` (or at once when the URL is opened), then posts the charge to `post.url` signed with `hashstring`.
/// A repeated `reference.idempotent` answers the charge it first made.
public struct TapSimulator: Sendable {
    public static let secretKey = "sk_test_sheenTapSimulator000000"
    public static let publishableKey = "pk_test_sheenTapSimulator000000"

    public let store: SimulatorStore<TapWorld>
    public let faults: Faults
    public let requests = RequestCounter()
    public let dispatcher: WebhookDispatcher
    public let completeAfter: Duration
    public let now: @Sendable () -> Date

    /// The sources a charge may name (research/providers.md §2), besides `tok_…` and `auth_…` ids.
    static let sources: Set<String> = [
        "src_all", "src_card", "src_kw.knet", "src_sa.mada", "src_bh.benefit", "src_benefitpay", "src_qa.qpay",
        "src_om.omannet", "src_omannet", "src_eg.fawry", "src_sa.stcpay", "src_apple_pay", "src_google_pay",
    ]

    public init(
        stateFile: String? = nil, faults: Faults = Faults(), dispatcher: WebhookDispatcher = WebhookDispatcher(),
        completeAfter: Duration = .milliseconds(150), now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        store = try SimulatorStore(file: stateFile, initial: TapWorld())
        self.faults = faults
        self.dispatcher = dispatcher
        self.completeAfter = completeAfter
        self.now = now
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("v2/charges") { request, _ in
            let body = await SimulatorHTTP.body(request)
            let host = request.head.authority ?? "127.0.0.1"
            return await handle(request) { key in try await create(body, key: key, host: host) }
        }
        router.get("v2/charges/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await handle(request) { _ in
                try await completeDue()
                guard let charge = await store.read({ $0.charges[id] }) else { throw TapError.notFound(id) }
                return (200, try SimulatorHTTP.encoded(charge))
            }
        }
        router.post("v2/charges/list") { request, _ in
            let body = await SimulatorHTTP.body(request)
            return await handle(request) { _ in
                try await completeDue()
                let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
                let limit = min(50, max(1, Int("\(object["limit"] ?? 25)") ?? 25))
                let charges = await store.read { world in
                    world.charges.values.sorted { ($0.transaction.created, $0.id) > ($1.transaction.created, $1.id) }
                }
                return (
                    200,
                    try SimulatorHTTP.encoded(
                        ChargeList(
                            count: charges.count, has_more: charges.count > limit, charges: Array(charges.prefix(limit))
                        ))
                )
            }
        }
        // The page `transaction.url` points at: in test mode, opening it pays, with `?card=…&expiry=MM/YY` as a
        // person would type one of Tap's test cards (the source's standard card otherwise).
        router.get("sandbox/tap/pay/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            let card = request.uri.queryParameters.get("card").map {
                TapTestCard.typed($0, expiry: request.uri.queryParameters.get("expiry"))
            }
            try await completeDue(force: id, card: card)
            guard let charge = await store.read({ $0.charges[id] }) else { return TapError.notFound(id).response }
            // The id is echoed only once found, so nothing a caller typed reaches the page.
            let page = "<!doctype html><p>Test payment \(charge.id): \(charge.status). You can close this page.</p>"
            return Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: page)))
        }
        return router
    }

    // MARK: Operations

    func create(_ body: Data, key: String, host: String) async throws -> (Int, Data) {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            throw TapError.invalid("2100", "Invalid JSON request")
        }
        let request = try ChargeRequest(object)
        let date = now()
        let (charge, fresh) = try await store.mutate { world -> (TapWorld.Charge, Bool) in
            if let idempotent = request.idempotent, let id = world.idempotent["\(key):\(idempotent)"],
                let existing = world.charges[id]
            {
                return (existing, false)
            }
            let id = world.newID("chg", at: date)
            let milliseconds = Int64(date.timeIntervalSince1970 * 1000)
            var customer = request.customer
            customer.id = world.newID("cus", at: date)
            let charge = TapWorld.Charge(
                id: id, status: "INITIATED", amount: request.amount, currency: request.currency,
                threeDSecure: request.threeDSecure, description: request.description, metadata: request.metadata,
                transaction: .init(
                    created: String(milliseconds), url: "http://\(host)/sandbox/tap/pay/\(id)",
                    amount: request.amount, currency: request.currency),
                reference: .init(
                    track: world.newID("tck", at: date), transaction: request.transaction, order: request.order,
                    idempotent: request.idempotent),
                response: .init(code: "100", message: "Initiated"), receipt: .init(id: world.receiptNumber(at: date)),
                customer: customer, merchant: Self.merchant(for: request.currency), source: .init(id: request.source),
                redirect: .init(status: "PENDING", url: request.redirect),
                post: request.post.map { .init(attempt: 0, status: "PENDING", url: $0) },
                activities: [
                    .init(
                        id: world.newID("activity", at: date), created: milliseconds, status: "INITIATED",
                        currency: request.currency, amount: request.amount, remarks: "charge - created")
                ])
            world.charges[id] = charge
            world.keys[id] = key
            if let idempotent = request.idempotent { world.idempotent["\(key):\(idempotent)"] = id }
            world.record("charge.created", id, key: request.idempotent, at: date)
            return (charge, true)
        }
        if fresh {
            let delay = completeAfter
            Task {
                try? await Task.sleep(for: delay)
                try? await completeDue()
            }
            try await faults.afterCommit(path: "/v2/charges")
        }
        return (200, try SimulatorHTTP.encoded(charge))
    }

    /// Completes every INITIATED charge older than `completeAfter` (and `force` at once, paid with `card`): paid
    /// with the source's standard test card unless one was typed, ending in that card's outcome, then its webhook.
    /// Run on every read too, so a restarted simulator catches up.
    func completeDue(force: String? = nil, card typed: TapTestCard? = nil) async throws {
        let date = now()
        let completed = try await store.mutate { world -> [(TapWorld.Charge, String)] in
            var done: [(TapWorld.Charge, String)] = []
            for (id, charge) in world.charges where charge.status == "INITIATED" {
                // `transaction.created` is Unix milliseconds.
                let waited = Duration.milliseconds(
                    Int64(date.timeIntervalSince1970 * 1000) - (Int64(charge.transaction.created) ?? 0))
                guard waited >= completeAfter || id == force else { continue }
                let card = (id == force ? typed : nil) ?? TapTestCard.standard(for: charge.source.id)
                let paid = Self.paid(charge, with: card, world: &world, at: date)
                world.charges[id] = paid
                world.record("charge.\(paid.status.lowercased())", id, key: charge.reference.idempotent, at: date)
                done.append((paid, world.keys[id] ?? ""))
            }
            return done
        }
        for (charge, key) in completed { deliver(charge, key: key) }
    }

    /// `charge` once paid with `card`: its final status and response, the gateway's references, the card and the
    /// token that replaced the source, and the activity.
    static func paid(
        _ charge: TapWorld.Charge, with card: TapTestCard, world: inout TapWorld, at date: Date
    ) -> TapWorld.Charge {
        let outcome = card.outcome
        let milliseconds = Int64(date.timeIntervalSince1970 * 1000)
        var paid = charge
        paid.status = outcome.status
        paid.response = .init(code: outcome.code, message: outcome.message)
        paid.gateway = .init(response: .init(code: outcome.code, message: outcome.message))
        paid.security = .init(threeDSecure: .init(status: charge.threeDSecure ? "Y" : "N"))
        paid.reference.gateway = "\(card.scheme.lowercased())_sim\(world.counter)\(charge.id.suffix(6))"
        paid.reference.payment = String(milliseconds * 10 + Int64(world.counter % 10))
        paid.reference.acquirer = String(format: "%012d", world.counter)
        paid.card = .init(
            id: world.newID("card", at: date), first_six: String(card.number.prefix(6)),
            first_eight: String(card.number.prefix(8)), scheme: card.scheme, brand: card.brand,
            last_four: String(card.number.suffix(4)))
        paid.source = .init(
            object: "token", type: "CARD_NOT_PRESENT", payment_type: "DEBIT", payment_method: card.scheme,
            channel: "INTERNET", id: world.newID("tok", at: date))
        paid.post?.attempt = 1
        paid.activities.append(
            .init(
                id: world.newID("activity", at: date), created: milliseconds, status: outcome.status,
                currency: charge.currency, amount: charge.amount, remarks: "charge - \(outcome.status.lowercased())"))
        return paid
    }

    /// The merchant account a test key belongs to, in the charge's currency's country.
    static func merchant(for currency: String) -> TapWorld.Charge.Merchant {
        let country = ["SAR": "SA", "KWD": "KW", "BHD": "BH", "AED": "AE", "QAR": "QA", "OMR": "OM", "EGP": "EG"]
        return .init(country: country[currency] ?? "SA", currency: currency, id: "25000001")
    }

    func deliver(_ charge: TapWorld.Charge, key: String) {
        guard let url = charge.post?.url, let body = try? SimulatorHTTP.encoded(charge) else { return }
        dispatcher.deliver(
            body, to: url, scheme: .tap, secret: key, faults: faults.plan, ledger: store,
            id: charge.id, key: charge.status, now: now)
    }

    // MARK: Plumbing

    func handle(_ request: Request, _ operation: @Sendable (String) async throws -> (Int, Data)) async -> Response {
        switch await SimulatorHTTP.prelude(faults, requests) {
        case .rateLimited: return TapError.rateLimited.response
        case .dropped: return SimulatorHTTP.dropped()
        case .serverError: return TapError.serverError.response
        case nil: break
        }
        guard let key = SimulatorHTTP.bearer(request) else { return TapError.unauthorized.response }
        if key.hasPrefix("sk_live_") { return TapError.environmentMismatch.response }
        guard key.hasPrefix("sk_test_"), key.count >= 16 else { return TapError.invalidKey.response }
        do {
            let (status, body) = try await operation(key)
            return SimulatorHTTP.response(status, body)
        } catch let error as TapError {
            return error.response
        } catch is ConnectionDrop {
            return SimulatorHTTP.dropped()
        } catch {
            return TapError.serverError.response
        }
    }
}
