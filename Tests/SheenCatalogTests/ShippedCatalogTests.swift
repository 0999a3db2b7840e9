import Foundation
import SheenModel
import Testing

@testable import SheenCatalog

@Suite("Shipped catalog")
struct ShippedCatalogTests {
    @Test("validates without errors or warnings")
    func validates() {
        let result = CatalogLoader(displayBase: Fixtures.repository.path).load(catalogAt: Fixtures.repository.path)
        #expect(result.diagnostics.map { $0.rendered(in: .en) } == [])
        #expect(result.catalog.providers.count >= 24)
        #expect(result.catalog.recipes.count == 6)
    }

    @Test("holds the providers and recipes the platform plan names")
    func contents() {
        let catalog = Fixtures.shippedCatalog
        let providers = [
            "tap", "paymob", "tabby", "tamara", "stripe", "moyasar", "unifonic", "infobip", "twilio", "resend",
            "aramex",
            "smsa", "clerk", "auth0", "posthog", "sentry", "cloudinary", "supabase", "vercel", "cloudflare", "aws",
            "azure", "gcp", "arabic-search",
        ]
        #expect(Set(providers).subtracting(catalog.providers.keys).isEmpty)
        let recipes = [
            "arabic-ecommerce", "service-business-mena", "saas-mena", "global-saas", "enterprise-b2b", "ai-application",
        ]
        #expect(Set(recipes) == Set(catalog.recipes.keys))
        #expect(catalog.checklists["activation"]?.items.count == 7)
    }

    @Test(
        "local schemes settle only in their own currency",
        arguments: [("mada", "SAR"), ("knet", "KWD"), ("benefit", "BHD")])
    func schemeCurrencies(method: String, currency: String) {
        var offered = 0
        for provider in Fixtures.shippedCatalog.sortedProviders {
            for entry in provider.paymentMethods where entry.id == method {
                offered += 1
                #expect(entry.currencies.map(\.rawValue) == [currency], "\(provider.id) \(method)")
            }
        }
        #expect(offered > 0, "no provider offers \(method), so the rule was not exercised")
    }

    @Test("BNPL in Saudi Arabia comes from Tabby and Tamara, and only Tabby is available now")
    func bnplInSaudiArabia() throws {
        let catalog = Fixtures.shippedCatalog
        let market = try #require(CountryCode(rawValue: "SA"))
        let capability = Capability(rawValue: "bnpl.authorize")
        #expect(catalog.providers(offering: capability, in: market).map(\.id) == ["tabby", "tamara"])
        #expect(catalog.providers(offering: capability, in: market, status: .available).map(\.id) == ["tabby"])
        let qatar = try #require(CountryCode(rawValue: "QA"))
        #expect(catalog.providers(offering: capability, in: qatar).isEmpty)
    }

    @Test("Stripe does not list Saudi Arabia or Egypt among its merchant markets")
    func stripeMarkets() throws {
        let stripe = try #require(Fixtures.shippedCatalog.providers["stripe"])
        #expect(!stripe.markets.map(\.rawValue).contains("SA"))
        #expect(!stripe.markets.map(\.rawValue).contains("EG"))
    }
}
