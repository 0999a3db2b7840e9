// swift-format-ignore-file: AlwaysUseLowerCamelCase
// Wire types spell fields as Tabby does.

import Foundation
import SheenEngine
import SheenModel

/// `tabby.test-checkout`: a checkout session for one unit of the market's currency as Tabby's test buyer
/// (`otp.success@tabby.ai`), authorized on Tabby's hosted page, then captured in full so the payment closes: the whole
/// BNPL flow a store runs, with its webhooks.
///
/// The buyer authorizes on a page, so the step polls within its budget, then waits with the page's URL; the next run
/// finds the payment by its order reference (the step's idempotency key) instead of opening another session, and the
/// capture's `reference_id` is the same key, so a repeated capture is Tabby's no-op. The sandbox authorizes by itself.
/// A test payment cannot be deleted; it stays in Tabby's test data.
struct TabbyTestCheckoutRunner: StepRunner {
    let currencies: [CurrencyCode]
    var budget: Duration = .seconds(30)
    var interval: Duration = .milliseconds(250)

    static let testBuyer = "otp.success@tabby.ai"

    func observe(_ context: StepContext) async throws -> StepResult? {
        let api = try await TabbyAPI.open(context)
        guard let found = try await api.payments().first(where: { $0.order?.reference_id == context.idempotencyKey })
        else { return nil }
        return try await settle(found, page: nil, api: api, context: context)
    }

    func create(_ context: StepContext) async throws -> StepResult {
        guard let currency = ProviderEndpoint.testCurrency(context, accepted: currencies),
            let exponent = currency.exponent
        else { throw StepFailure(.invalid, message: "Tabby takes none of this project's currencies") }
        let api = try await TabbyAPI.open(context)
        let amount = "1." + String(repeating: "0", count: max(2, exponent))
        let site = "https://\(context.inputs["project"] ?? "project").invalid/checkout"
        let item: [String: any Sendable] = [
            "title": "Sheen test item", "quantity": 1, "unit_price": amount, "category": "Test",
            "reference_id": context.stepID,
        ]
        let order: [String: any Sendable] = [
            "reference_id": context.idempotencyKey, "tax_amount": "0.00", "shipping_amount": "0.00",
            "discount_amount": "0.00", "items": [item],
        ]
        let history: [String: any Sendable] = ["registered_since": "2024-01-01T00:00:00Z", "loyalty_level": 0]
        let payment: [String: any Sendable] = [
            "amount": amount, "currency": currency.rawValue,
            "description": "Sheen test checkout for \(context.inputs["project"] ?? "project")",
            "buyer": ["name": "Sheen Test", "email": Self.testBuyer, "phone": "500000001"],
            "shipping_address": ["city": "Riyadh", "address": "Sheen test address", "zip": "11564"],
            "order": order, "buyer_history": history,
        ]
        let body: [String: any Sendable] = [
            "payment": payment,
            "lang": "ar", "merchant_code": api.merchantCode,
            "merchant_urls": ["success": site + "/success", "cancel": site + "/cancel", "failure": site + "/failure"],
        ]
        let session = try await api.checkout(body)
        guard session.status != "rejected" else {
            let reason = session.configuration?.products?.installments?.rejection_reason ?? "no reason given"
            throw StepFailure(.invalid, message: "Tabby rejected the test buyer at pre-scoring (\(reason))")
        }
        let page = session.configuration?.available_products?.installments?.first?.web_url
        return try await settle(session.payment, page: page, api: api, context: context)
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}

    /// Polls `payment` until the buyer has decided, then captures it in full.
    func settle(
        _ payment: TabbyPayment, page: String?, api: TabbyAPI, context: StepContext
    ) async throws -> StepResult {
        var latest = payment
        let decided = try await Polling.until(context, budget: budget, every: interval) {
            () async throws -> TabbyPayment? in
            if latest.status != "CREATED" { return latest }
            latest = try await api.payment(payment.id)
            return latest.status == "CREATED" ? nil : latest
        }
        guard var final = decided else {
            throw StepFailure(
                .waiting(
                    next:
                        "open \(page ?? "the Tabby checkout page of order \(context.idempotencyKey)") and authorize as Tabby's test buyer (\(Self.testBuyer))"
                ), message: "the Tabby test payment \(payment.id) waits for the buyer")
        }
        if final.status == "AUTHORIZED" {
            final = try await api.capture(final.id, amount: final.amount, reference: context.idempotencyKey)
        }
        guard final.status == "CLOSED" else {
            throw StepFailure(.invalid, message: "the Tabby test payment \(final.id) ended \(final.status)")
        }
        return StepResult(
            outputs: [
                "payment_id": final.id, "status": final.status, "amount": final.amount, "currency": final.currency,
            ], externalID: final.id)
    }
}

struct TabbySession: Decodable {
    struct Configuration: Decodable {
        struct Products: Decodable {
            struct Installments: Decodable { var rejection_reason: String? }
            var installments: Installments?
        }
        struct Available: Decodable {
            struct Offer: Decodable { var web_url: String? }
            var installments: [Offer]?
        }
        var available_products: Available?
        var products: Products?
    }
    var id: String
    var status: String
    var payment: TabbyPayment
    var configuration: Configuration?
}

struct TabbyPayment: Decodable {
    struct Order: Decodable { var reference_id: String? }
    var id: String
    var status: String
    var amount: String
    var currency: String
    var order: Order?
}
