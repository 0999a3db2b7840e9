import Foundation
import SheenEngine
import SheenModel

/// `tap.test-charge`: one unit of the market's currency (1 SAR, 1.000 KWD) through Tap's hosted page (`src_all`, so
/// mada, KNET or a card can pay), with `post.url` set to the receiver so the CAPTURED charge arrives signed.
///
/// A real test charge waits for someone to pay on the page: the step polls within its budget, then waits with the
/// URL to open, and the next run finds the charge by its `sheen_key` metadata instead of charging again. The
/// sandbox pays by itself. A test charge cannot be deleted; it stays in Tap's test data.
struct TapTestChargeRunner: StepRunner {
    let currencies: [CurrencyCode]
    var budget: Duration = .seconds(30)
    var interval: Duration = .milliseconds(250)

    static let failed: Set<String> = [
        "ABANDONED", "CANCELLED", "FAILED", "DECLINED", "RESTRICTED", "VOID", "TIMEDOUT", "UNKNOWN",
    ]

    func observe(_ context: StepContext) async throws -> StepResult? {
        let api = try await TapAPI.open(context)
        let recent = try await api.post("/v2/charges/list", ["limit": 50], as: TapChargeList.self)
        guard let found = recent.charges.first(where: { $0.metadata?["sheen_key"] == context.idempotencyKey }) else {
            return nil
        }
        return try await settle(found, api: api, context: context)
    }

    func create(_ context: StepContext) async throws -> StepResult {
        let url = try ProviderEndpoint.webhookURL(context, provider: "Tap")
        guard let currency = ProviderEndpoint.testCurrency(context, accepted: currencies) else {
            throw StepFailure(.invalid, message: "Tap takes none of this project's currencies")
        }
        let api = try await TapAPI.open(context)
        let body: [String: any Sendable] = [
            "amount": 1, "currency": currency.rawValue, "threeDSecure": true, "save_card": false,
            "description": "Sheen test charge for \(context.inputs["project"] ?? "project")",
            "customer": ["first_name": "Sheen", "last_name": "Test", "email": "test@example.com"],
            "source": ["id": "src_all"], "post": ["url": url], "redirect": ["url": url],
            "reference": [
                "transaction": "sheen-\(context.idempotencyKey.prefix(20))", "order": context.stepID,
                "idempotent": context.idempotencyKey,
            ],
            "metadata": ["sheen_key": context.idempotencyKey, "sheen_step": context.stepID],
        ]
        let charge = try await api.post("/v2/charges", body, as: TapCharge.self)
        return try await settle(charge, api: api, context: context)
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}

    /// Polls `charge` to a final status within the budget.
    func settle(_ charge: TapCharge, api: TapAPI, context: StepContext) async throws -> StepResult {
        var latest = charge
        let final = try await Polling.until(context, budget: budget, every: interval) { () async throws -> TapCharge? in
            if latest.status == "CAPTURED" || Self.failed.contains(latest.status) { return latest }
            latest = try await api.get("/v2/charges/\(charge.id)", as: TapCharge.self)
            return latest.status == "CAPTURED" || Self.failed.contains(latest.status) ? latest : nil
        }
        guard let final else {
            throw StepFailure(
                .waiting(
                    next: "open \(latest.transaction?.url ?? "the charge's payment page") and pay with a Tap test card"),
                message: "the test charge \(charge.id) waits for payment (status \(latest.status))")
        }
        guard final.status == "CAPTURED" else {
            throw StepFailure(
                .invalid,
                message:
                    "the test charge \(final.id) ended \(final.status)\(final.response?.message.map { ": \($0)" } ?? "")"
            )
        }
        return StepResult(
            outputs: [
                "charge_id": final.id, "status": final.status, "amount": "\(final.amount)", "currency": final.currency,
            ], externalID: final.id)
    }
}
