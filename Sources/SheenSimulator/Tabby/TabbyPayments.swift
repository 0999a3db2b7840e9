import Foundation
import Hummingbird
import NIOCore
import SheenWebhooks

/// Tabby's checkout and payments (docs.tabby.ai "Create a session", "Retrieve a payment", "Capture a payment"): a
/// session creates a payment CREATED and a hosted page; the buyer authorizes it there (the sandbox does it by itself
/// after `completeAfter`), the merchant captures it (`reference_id` makes a capture idempotent), and a full capture
/// closes it. Each status change is posted to the merchant's registered webhooks with their header.
///
/// Unconfirmed, kept here in one place: the test buyers' outcomes (Tabby's testing guide names `otp.success@tabby.ai`
/// and `otp.rejected@tabby.ai`; the rejection reason's wording is this simulator's), the listing's
/// `{payments, pagination}` envelope, and the webhook body being the payment with a lowercase status.
extension TabbySimulator {
    static let rejectedBuyer = "otp.rejected@tabby.ai"

    func paymentRoutes(_ router: Router<BasicRequestContext>) {
        router.post("api/v2/checkout") { request, _ in
            let body = await SimulatorHTTP.body(request)
            let host = request.head.authority ?? "127.0.0.1"
            return await handle(request, merchantHeader: false) { key in try await checkout(body, key: key, host: host)
            }
        }
        router.get("api/v2/payments") { request, _ in
            let limit = min(100, max(1, request.uri.queryParameters.get("limit").flatMap { Int($0) } ?? 20))
            return await handle(request, merchantHeader: false) { key in
                try await authorizeDue()
                let mine = await store.read { world in
                    world.payments.values.filter { $0.owner.hasSuffix(":\(key)") }
                        .sorted { ($0.created_at, $0.id) > ($1.created_at, $1.id) }
                }
                let page: [String: any Sendable] = [
                    "payments": try mine.prefix(limit).map { try Self.object($0) },
                    "pagination": ["limit": limit, "offset": 0, "total_count": mine.count],
                ]
                return (200, try SimulatorHTTP.json(page))
            }
        }
        router.get("api/v2/payments/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await handle(request, merchantHeader: false) { key in
                try await authorizeDue()
                guard let payment = await store.read({ $0.payments[id] }), payment.owner.hasSuffix(":\(key)") else {
                    throw TabbyError.paymentNotFound
                }
                return (200, try SimulatorHTTP.encoded(payment))
            }
        }
        router.post("api/v2/payments/:id/captures") { request, context in
            let id = context.parameters.get("id") ?? ""
            let body = await SimulatorHTTP.body(request)
            return await handle(request, merchantHeader: false) { key in try await capture(id, body, key: key) }
        }
        // The hosted page `web_url` points at: in test mode, opening it authorizes (`?outcome=reject` declines).
        router.get("sandbox/tabby/pay/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            let reject = request.uri.queryParameters.get("outcome") == "reject"
            try await authorizeDue(force: id, reject: reject)
            guard let payment = await store.read({ $0.payments[id] }) else {
                return TabbyError.paymentNotFound.response
            }
            let page =
                "<!doctype html><p>Tabby test payment \(payment.id): \(payment.status). You can close this page.</p>"
            return Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: page)))
        }
    }

    // MARK: Operations

    func checkout(_ body: Data, key: String, host: String) async throws -> (Int, Data) {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            throw TabbyError.badData("request body is not JSON")
        }
        let request = try CheckoutRequest(object)
        let date = now()
        let stamp = ISO8601DateFormatter().string(from: date)
        let owner = "\(request.merchantCode):\(key)"
        let payment = try await store.mutate { world -> TabbyWorld.Payment in
            let id = world.newID()
            let session = world.newID()
            let rejected = request.buyer.email == Self.rejectedBuyer
            let payment = TabbyWorld.Payment(
                id: id, created_at: stamp,
                expires_at: ISO8601DateFormatter().string(from: date.addingTimeInterval(30 * 24 * 3600)),
                status: rejected ? "REJECTED" : "CREATED", amount: request.amount, currency: request.currency,
                description: request.description, buyer: request.buyer, order: .init(reference_id: request.reference),
                session: session, webURL: "http://\(host)/sandbox/tabby/pay/\(id)", owner: owner)
            world.payments[id] = payment
            world.record("checkout.created", session, key: request.reference, at: date)
            return payment
        }
        try await faults.afterCommit(path: "/api/v2/checkout")
        let rejected = payment.status == "REJECTED"
        let installments: [String: any Sendable] =
            rejected ? ["is_available": false, "rejection_reason": "not_available"] : ["is_available": true]
        let session: [String: any Sendable] = [
            "id": payment.session, "status": rejected ? "rejected" : "created", "payment": try Self.object(payment),
            "configuration": [
                "available_products": rejected
                    ? [String: any Sendable]()
                    : ["installments": [["web_url": payment.webURL, "qr_code": payment.webURL]]],
                "products": ["installments": installments],
            ],
            "merchant_urls": request.urls,
        ]
        return (200, try SimulatorHTTP.json(session))
    }

    func capture(_ id: String, _ body: Data, key: String) async throws -> (Int, Data) {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            throw TabbyError.badData("request body is not JSON")
        }
        guard let reference = object["reference_id"] as? String, !reference.isEmpty else {
            throw TabbyError.badData("reference_id is required")
        }
        guard let raw = object["amount"] as? String, let amount = Decimal(string: raw), amount > 0 else {
            throw TabbyError.badData("amount is required as a positive decimal string")
        }
        try await authorizeDue()
        let date = now()
        let (payment, closed) = try await store.mutate { world -> (TabbyWorld.Payment, Bool) in
            guard var payment = world.payments[id], payment.owner.hasSuffix(":\(key)") else {
                throw TabbyError.paymentNotFound
            }
            // The same reference_id is the same capture: answered again, not made twice.
            if payment.captures.contains(where: { $0.reference_id == reference }) { return (payment, false) }
            guard payment.status == "AUTHORIZED" else {
                throw TabbyError.badData("payment is \(payment.status), only AUTHORIZED payments can be captured")
            }
            let captured = payment.captures.compactMap { Decimal(string: $0.amount) }.reduce(0, +)
            let total = Decimal(string: payment.amount) ?? 0
            guard captured + amount <= total else {
                throw TabbyError.badData("amount exceeds the authorized amount left to capture")
            }
            payment.captures.append(
                .init(
                    id: world.newID(), amount: raw, reference_id: reference,
                    created_at: ISO8601DateFormatter().string(from: date)))
            world.record("payment.captured", id, key: reference, at: date)
            let closed = captured + amount == total
            if closed {
                payment.status = "CLOSED"
                world.record("payment.closed", id, at: date)
            }
            world.payments[id] = payment
            return (payment, closed)
        }
        if closed { notify(payment) }
        try await faults.afterCommit(path: "/api/v2/payments")
        return (200, try SimulatorHTTP.encoded(payment))
    }

    /// Authorizes every CREATED payment older than `completeAfter` (and `force` at once, or rejects it), then posts
    /// each change to the merchant's webhooks. Run on every read, so a restarted simulator catches up.
    func authorizeDue(force: String? = nil, reject: Bool = false) async throws {
        let date = now()
        let changed = try await store.mutate { world -> [TabbyWorld.Payment] in
            var changed: [TabbyWorld.Payment] = []
            for (id, payment) in world.payments where payment.status == "CREATED" {
                let created = ISO8601DateFormatter().date(from: payment.created_at) ?? date
                guard date.timeIntervalSince(created) >= completeAfter.seconds || id == force else { continue }
                var decided = payment
                decided.status = id == force && reject ? "REJECTED" : "AUTHORIZED"
                world.payments[id] = decided
                world.record("payment.\(decided.status.lowercased())", id, key: payment.order.reference_id, at: date)
                changed.append(decided)
            }
            return changed
        }
        for payment in changed { notify(payment) }
    }

    /// Posts `payment` (its status lowercased, as Tabby's notifications carry it) to its merchant's webhooks.
    func notify(_ payment: TabbyWorld.Payment) {
        Task {
            let hooks = await store.read { world in world.webhooks.values.filter { $0.owner == payment.owner } }
            guard var object = try? Self.object(payment) else { return }
            object["status"] = payment.status.lowercased()
            guard let body = try? SimulatorHTTP.json(object) else { return }
            for hook in hooks {
                dispatcher.deliver(
                    body, to: hook.url, scheme: .tabby, secret: hook.header.value, faults: faults.plan, ledger: store,
                    id: payment.id, key: payment.status.lowercased(), now: now)
            }
        }
    }

    /// `payment` as a JSON object, for answers that wrap it.
    static func object(_ payment: TabbyWorld.Payment) throws -> [String: any Sendable] {
        let data = try SimulatorHTTP.encoded(payment)
        return (try JSONSerialization.jsonObject(with: data) as? [String: any Sendable]) ?? [:]
    }
}

/// A create-session body, validated as Tabby does: decimal-string amounts with at most two decimals (three for KWD)
/// in AED, SAR or KWD; the buyer's name, email and phone; the order's reference; the merchant code and language.
struct CheckoutRequest {
    var amount: String
    var currency: String
    var description: String
    var buyer: TabbyWorld.Payment.Buyer
    var reference: String
    var merchantCode: String
    var urls: [String: String]

    init(_ object: [String: Any]) throws(TabbyError) {
        guard let payment = object["payment"] as? [String: Any] else { throw .badData("payment is required") }
        guard let currency = payment["currency"] as? String, ["AED", "SAR", "KWD"].contains(currency) else {
            throw .badData("payment.currency must be one of AED, SAR, KWD")
        }
        guard let amount = payment["amount"] as? String, let value = Decimal(string: amount), value > 0 else {
            throw .badData("payment.amount is required as a positive decimal string")
        }
        let decimals = amount.split(separator: ".").dropFirst().first?.count ?? 0
        guard decimals <= (currency == "KWD" ? 3 : 2) else {
            throw .badData("payment.amount has more decimals than \(currency) allows")
        }
        let buyer = payment["buyer"] as? [String: Any]
        guard let name = buyer?["name"] as? String, let email = buyer?["email"] as? String,
            let phone = buyer?["phone"] as? String, !name.isEmpty, email.contains("@"), !phone.isEmpty
        else { throw .badData("payment.buyer needs name, email and phone") }
        guard let reference = (payment["order"] as? [String: Any])?["reference_id"] as? String, !reference.isEmpty
        else { throw .badData("payment.order.reference_id is required") }
        guard let code = object["merchant_code"] as? String, !code.isEmpty else {
            throw .badData("merchant_code is required")
        }
        guard let lang = object["lang"] as? String, ["ar", "en"].contains(lang) else {
            throw .badData("lang must be ar or en")
        }
        let urls = (object["merchant_urls"] as? [String: Any])?.compactMapValues { $0 as? String } ?? [:]
        guard urls["success"].flatMap({ URLComponents(string: $0)?.host }) != nil else {
            throw .badData("merchant_urls.success is required")
        }
        self.amount = amount
        self.currency = currency
        description = payment["description"] as? String ?? ""
        self.buyer = .init(name: name, email: email, phone: phone)
        self.reference = reference
        merchantCode = code
        self.urls = urls
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
