import Foundation
import SheenEngine
import SheenModel

/// Where a step's calls go: the connection's own base URL (a sandbox connection's simulator) wins, then the host of
/// the step's market where the provider has one per market (Paymob, Tabby), then the environment's base URL from the
/// plan. `{field}` placeholders (Auth0's `{domain}`) are filled from the connection's non-secret fields.
public enum ProviderEndpoint {
    public static func base(_ context: StepContext, credentials: Credentials) throws(StepFailure) -> String {
        var base = context.credentials.baseURL ?? marketHost(context) ?? context.inputs["base_url"] ?? ""
        for placeholder in URLTemplate(base).placeholders {
            guard let value = credentials[placeholder] else {
                throw StepFailure(
                    .invalid,
                    message:
                        "the base URL needs the connection's \(placeholder); add it with 'sheen connections rotate'")
            }
            base = base.replacingOccurrences(of: "{\(placeholder)}", with: value)
        }
        guard !base.isEmpty else {
            throw StepFailure(.invalid, message: "the plan gives \(context.stepID) no base URL; run 'sheen plan' again")
        }
        return base
    }

    /// The receiver URL the planner gave a step that registers or names a webhook (`webhook_url`); without one, a
    /// failure that says what to set. `provider` names who needs it.
    public static func webhookURL(_ context: StepContext, provider: String) throws(StepFailure) -> String {
        guard let url = context.inputs["webhook_url"], !url.isEmpty else {
            throw StepFailure(
                .invalid,
                message:
                    "\(provider) delivers its webhooks to a public URL: set webhooks.public_url in sheen.yaml, then run 'sheen plan'"
            )
        }
        return url
    }

    /// Runs a delete; the object being gone already (404) is what a delete wants.
    public static func deleting(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let failure as StepFailure {
            guard case .http(404, _) = failure.kind else { throw failure }
        }
    }

    /// `market_hosts` (`SA=https://ksa.paymob.com,EG=…`) for the step's first market that has one.
    static func marketHost(_ context: StepContext) -> String? {
        guard let hosts = context.inputs["market_hosts"] else { return nil }
        let table = Dictionary(
            hosts.split(separator: ",").compactMap { entry -> (String, String)? in
                let parts = entry.split(separator: "=", maxSplits: 1)
                return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
            }, uniquingKeysWith: { first, _ in first })
        for market in markets(context) { if let host = table[market.rawValue] { return host } }
        return nil
    }

    /// The step's markets, in plan order.
    public static func markets(_ context: StepContext) -> [CountryCode] {
        (context.inputs["markets"] ?? "").split(separator: ",").compactMap { CountryCode(rawValue: String($0)) }
    }

    /// The currency a test payment uses: the first market's own currency where the provider takes it, else the
    /// first of `fallbacks` it takes.
    public static func testCurrency(
        _ context: StepContext, accepted: [CurrencyCode], fallbacks: [String] = ["USD", "EUR"]
    ) -> CurrencyCode? {
        for market in markets(context) {
            if let local = market.localCurrency, accepted.contains(local) { return local }
        }
        return fallbacks.compactMap { CurrencyCode(rawValue: $0) }.first { accepted.contains($0) } ?? accepted.first
    }
}
