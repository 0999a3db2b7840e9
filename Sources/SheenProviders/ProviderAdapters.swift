import SheenEngine
import SheenModel

/// Every provider adapter Sheen ships, registered for the providers the catalog has.
public enum ProviderAdapters {
    public static func register(into runners: inout RunnerRegistry, catalog: Catalog) {
        if let stripe = catalog.providers["stripe"] { StripeAdapter.register(into: &runners, manifest: stripe) }
        if let tap = catalog.providers["tap"] { TapAdapter.register(into: &runners, manifest: tap) }
        if let paymob = catalog.providers["paymob"] { PaymobAdapter.register(into: &runners, manifest: paymob) }
        if let tabby = catalog.providers["tabby"] {
            TabbyAdapter.register(into: &runners, secretField: tabby.webhooks?.secretField)
        }
    }
}
