import Foundation
import SheenEngine
import SheenModel

/// `stripe.test-payment`: a PaymentIntent confirmed server-side with Stripe's test card (`pm_card_visa`), the
/// evidence that payments work end to end. (A Checkout Session would need a browser.) The amount is one unit of the
/// currency (1.000 KWD is 1000: three-decimal currencies keep their last digit 0, as Stripe requires).
///
/// Payments cannot be deleted: `sheen destroy` leaves the test payment in the dashboard's test data, where it
/// costs nothing.
struct StripeTestPaymentRunner: StepRunner {
    let currencies: [CurrencyCode]
    var paymentMethod = "pm_card_visa"

    func observe(_ context: StepContext) async throws -> StepResult? {
        let api = try await StripeAPI.open(context)
        let recent = try await api.get(
            "/v1/payment_intents", query: [("limit", "100")], as: StripeList<StripePaymentIntent>.self)
        guard let found = recent.data.first(where: { $0.metadata?["sheen_key"] == context.idempotencyKey }) else {
            return nil
        }
        return try Self.result(found)
    }

    func create(_ context: StepContext) async throws -> StepResult {
        guard context.environment != .prod else {
            throw StepFailure(.invalid, message: "a test payment runs only with test keys (dev or staging)")
        }
        guard let currency = ProviderEndpoint.testCurrency(context, accepted: currencies),
            let exponent = currency.exponent
        else {
            throw StepFailure(.invalid, message: "Stripe takes none of this project's currencies")
        }
        let amount = Int64(pow(10, Double(exponent)).rounded())
        let api = try await StripeAPI.open(context)
        let intent = try await api.post(
            "/v1/payment_intents",
            form: [
                ("amount", String(amount)), ("currency", currency.rawValue.lowercased()),
                ("payment_method", paymentMethod), ("confirm", "true"),
                ("automatic_payment_methods[enabled]", "true"),
                ("automatic_payment_methods[allow_redirects]", "never"),
                ("description", "Sheen test payment for \(context.inputs["project"] ?? "project")"),
                ("metadata[sheen_key]", context.idempotencyKey), ("metadata[sheen_step]", context.stepID),
            ], idempotencyKey: context.idempotencyKey, as: StripePaymentIntent.self)
        return try Self.result(intent)
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}

    static func result(_ intent: StripePaymentIntent) throws(StepFailure) -> StepResult {
        guard intent.status == "succeeded" else {
            let reason = intent.last_payment_error?.message ?? "status \(intent.status)"
            throw StepFailure(.invalid, message: "the test payment \(intent.id) did not succeed: \(reason)")
        }
        return StepResult(
            outputs: [
                "payment_intent_id": intent.id, "status": intent.status, "amount": String(intent.amount),
                "currency": intent.currency,
            ], externalID: intent.id)
    }
}
