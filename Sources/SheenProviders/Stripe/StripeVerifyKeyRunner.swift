import SheenEngine

/// `stripe.verify-key`: `GET /v1/account` answers only to a valid key, and says whose account it is. Reads only, so
/// observing is doing it again, and there is nothing to delete.
struct StripeVerifyKeyRunner: StepRunner {
    func observe(_ context: StepContext) async throws -> StepResult? { try await create(context) }

    func create(_ context: StepContext) async throws -> StepResult {
        let account = try await StripeAPI.open(context).get("/v1/account", as: StripeAccount.self)
        var outputs = ["account_id": account.id]
        if let country = account.country { outputs["country"] = country }
        if let currency = account.default_currency { outputs["default_currency"] = currency }
        return StepResult(outputs: outputs, externalID: account.id)
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}
}
