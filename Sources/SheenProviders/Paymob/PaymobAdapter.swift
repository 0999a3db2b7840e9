import Foundation
import SheenEngine
import SheenModel

/// `paymob.verify-key`: listing intentions needs a valid secret key, and changes nothing.
struct PaymobVerifyKeyRunner: StepRunner {
    func observe(_ context: StepContext) async throws -> StepResult? { try await create(context) }

    func create(_ context: StepContext) async throws -> StepResult {
        let listed = try await PaymobAPI.open(context).intentions()
        return StepResult(outputs: ["intentions": String(listed.count)])
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}
}

/// `paymob.test-intention`: a card intention for one unit of the market's currency (1 EGP is 100 piastres), its
/// `special_reference` the step's idempotency key (Paymob refuses a reused one, so `observe` finds it instead) and
/// its `notification_url` the receiver, where the paid transaction arrives signed with `?hmac=`. A person pays on the
/// unified checkout page: polled within the budget, then the step waits with that URL. Intentions cannot be deleted.
struct PaymobTestIntentionRunner: StepRunner {
    let currencies: [CurrencyCode]
    var budget: Duration = .seconds(30)
    var interval: Duration = .milliseconds(250)

    func observe(_ context: StepContext) async throws -> StepResult? {
        let api = try await PaymobAPI.open(context)
        guard let found = try await api.intentions().first(where: { $0.special_reference == context.idempotencyKey })
        else { return nil }
        return try await settle(found, api: api, context: context)
    }

    func create(_ context: StepContext) async throws -> StepResult {
        let url = try ProviderEndpoint.webhookURL(context, provider: "Paymob")
        guard let currency = ProviderEndpoint.testCurrency(context, accepted: currencies, fallbacks: ["EGP"]),
            let exponent = currency.exponent
        else { throw StepFailure(.invalid, message: "Paymob takes none of this project's currencies") }
        let amount = Int(pow(10, Double(exponent)).rounded())
        let api = try await PaymobAPI.open(context)
        let person: [String: String] = [
            "first_name": "Sheen", "last_name": "Test", "email": "test@example.com", "phone_number": "+201000000000",
        ]
        let billing = person.merging([
            "apartment": "NA", "floor": "NA", "street": "NA", "building": "NA", "city": "NA", "country": "NA",
            "state": "NA", "postal_code": "NA", "shipping_method": "NA",
        ]) { first, _ in first }
        let item: [String: any Sendable] = [
            "name": "Sheen test", "amount": amount, "description": "Sheen test payment", "quantity": 1,
        ]
        let intention = try await api.create([
            "amount": amount, "currency": currency.rawValue, "payment_methods": ["card"], "items": [item],
            "billing_data": billing,
            "customer": person, "special_reference": context.idempotencyKey, "notification_url": url,
            "redirection_url": url, "delivery_needed": false,
        ])
        return try await settle(intention, api: api, context: context)
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}

    func settle(_ intention: PaymobIntention, api: PaymobAPI, context: StepContext) async throws -> StepResult {
        let paid = try await Polling.until(context, budget: budget, every: interval) {
            () async throws -> PaymobIntention? in
            if intention.status == "paid" { return intention }
            return try await api.intentions().first { $0.id == intention.id && $0.status == "paid" }
        }
        guard let paid else {
            throw StepFailure(
                .waiting(next: "open \(api.checkoutURL(intention)) and pay with a Paymob test card"),
                message: "the test intention \(intention.id) waits for payment")
        }
        return StepResult(outputs: ["intention_id": paid.id, "status": paid.status], externalID: paid.id)
    }
}

/// Paymob's step kinds and their runners.
public enum PaymobAdapter {
    public static func register(into runners: inout RunnerRegistry, manifest: ProviderManifest) {
        runners.register(PaymobVerifyKeyRunner(), for: "paymob.verify-key")
        runners.register(PaymobTestIntentionRunner(currencies: manifest.currencies), for: "paymob.test-intention")
    }
}
