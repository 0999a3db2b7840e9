import SheenEngine

/// `recipe.webhook-receiver`: the receiver's base URL providers call, from `webhooks.public_url` (the sandbox plans
/// its loopback address there). Sheen does not expose the receiver itself: `sheen serve` runs behind that address.
struct WebhookReceiverRunner: StepRunner {
    func observe(_ context: StepContext) async throws -> StepResult? { try await create(context) }

    func create(_ context: StepContext) async throws -> StepResult {
        guard let url = context.inputs["public_url"], !url.isEmpty else {
            throw StepFailure(
                .invalid,
                message:
                    "no public URL for webhooks: set webhooks.public_url in sheen.yaml to the https address that reaches 'sheen serve', then run 'sheen plan'"
            )
        }
        return StepResult(outputs: ["url": url + "/v1/webhooks"])
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}
}
