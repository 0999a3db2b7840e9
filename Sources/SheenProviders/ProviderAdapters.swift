import SheenEngine
import SheenModel

/// Every provider adapter Sheen ships, registered for the providers the catalog has.
public enum ProviderAdapters {
    /// `reviews` reads the template reviews `sheen serve` stored (their reasons are only in the notifications).
    public static func register(into runners: inout RunnerRegistry, catalog: Catalog, reviews: TemplateReviews? = nil) {
        var adapters = RunnerRegistry()
        if let stripe = catalog.providers["stripe"] { StripeAdapter.register(into: &adapters, manifest: stripe) }
        if let tap = catalog.providers["tap"] { TapAdapter.register(into: &adapters, manifest: tap) }
        if let paymob = catalog.providers["paymob"] { PaymobAdapter.register(into: &adapters, manifest: paymob) }
        if let tabby = catalog.providers["tabby"] {
            TabbyAdapter.register(
                into: &adapters, secretField: tabby.webhooks?.secretField, currencies: tabby.currencies)
        }
        UnifonicAdapter.register(into: &adapters)
        AramexAdapter.register(into: &adapters)
        InfobipAdapter.register(into: &adapters, reviews: reviews)
        TwilioAdapter.register(into: &adapters)
        OpenAIAdapter.register(into: &adapters)
        AnthropicAdapter.register(into: &adapters)
        TelemetryAdapters.register(into: &adapters)
        ClerkAdapter.register(into: &adapters)
        CloudinaryAdapter.register(into: &adapters)
        VercelAdapter.register(into: &adapters)
        CloudflareAdapter.register(into: &adapters)
        AWSAdapter.register(into: &adapters)
        AzureAdapter.register(into: &adapters)
        GCPAdapter.register(into: &adapters)
        SupabaseAdapter.register(into: &adapters)
        PostgresSearchAdapter.register(into: &adapters)
        SearchClusterAdapter.register(into: &adapters)
        Auth0Adapter.register(into: &adapters)
        if let resend = catalog.providers["resend"] { ResendAdapter.register(into: &adapters, manifest: resend) }
        for provider in catalog.sortedProviders {
            for step in provider.provisioning {
                guard let runner = adapters.runner(for: step.kind) else { continue }
                runners.register(ManifestDefaults(inner: runner, baseURLs: provider.baseURLs), for: step.kind)
            }
        }
    }
}

/// A provider's runners, given the manifest's base URL for the environment when the step's inputs have none:
/// `sheen destroy` works from the journal, which keeps no inputs.
struct ManifestDefaults: StepRunner {
    let inner: any StepRunner
    let baseURLs: [DeploymentEnvironment: String]

    func prepared(_ context: StepContext) -> StepContext {
        var context = context
        if context.inputs["base_url"] == nil, let base = baseURLs[context.environment] {
            context.inputs["base_url"] = base
        }
        return context
    }

    func observe(_ context: StepContext) async throws -> StepResult? { try await inner.observe(prepared(context)) }
    func create(_ context: StepContext) async throws -> StepResult { try await inner.create(prepared(context)) }
    func update(_ context: StepContext) async throws -> StepResult { try await inner.update(prepared(context)) }
    func delete(_ context: StepContext) async throws { try await inner.delete(prepared(context)) }
}
