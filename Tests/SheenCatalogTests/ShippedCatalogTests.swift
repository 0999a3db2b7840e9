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
            "azure", "gcp", "arabic-search", "postgres-search",
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

    @Test("every manifest names the sources of its facts, each an https URL")
    func sources() {
        for provider in Fixtures.shippedCatalog.sortedProviders {
            #expect(!provider.sources.isEmpty, "\(provider.id) lists no sources")
            for source in provider.sources {
                #expect(source.hasPrefix("https://"), "\(provider.id): \(source)")
            }
        }
    }

    @Test("Auth0 gets its token by client credentials on the tenant's own domain, which the connection supplies")
    func auth0Token() throws {
        let auth0 = try #require(Fixtures.shippedCatalog.providers["auth0"])
        let token = try #require(auth0.auth.token)
        #expect(token.grant == .clientCredentials)
        let fields = ["domain": "acme.eu.auth0.com"]
        #expect(try URLTemplate(token.tokenURL).expanded(with: fields).get() == "https://acme.eu.auth0.com/oauth/token")
        #expect(
            try token.audience.map { try URLTemplate($0).expanded(with: fields).get() }
                == "https://acme.eu.auth0.com/api/v2/")
        let base = try #require(auth0.baseURLs[.prod])
        #expect(try URLTemplate(base).expanded(with: fields).get() == "https://acme.eu.auth0.com/api/v2")
        #expect(auth0.auth.credential(named: "domain")?.secret == false)
        #expect(auth0.auth.credential(named: "client_secret")?.secret == true)
    }

    @Test("every placeholder in a shipped URL names one of the provider's own non-secret credential fields")
    func placeholdersNameFields() {
        var checked = 0
        for provider in Fixtures.shippedCatalog.sortedProviders {
            let names = Set(provider.auth.credentials.filter { !$0.secret }.map(\.name))
            let urls =
                Array(provider.baseURLs.values) + Array(provider.marketBaseURLs.values)
                + [provider.auth.token?.tokenURL, provider.auth.token?.audience].compactMap { $0 }
            for url in urls {
                for placeholder in URLTemplate(url).placeholders {
                    checked += 1
                    #expect(names.contains(placeholder), "\(provider.id): {\(placeholder)} in \(url)")
                }
            }
        }
        #expect(checked >= 3, "no templated URL was checked")
    }

    @Test("Supabase has no Middle East region, so a residency requirement there cannot pick it")
    func supabaseRegions() throws {
        let supabase = try #require(Fixtures.shippedCatalog.providers["supabase"])
        #expect(!supabase.regions.isEmpty)
        let middleEast = Set(["SA", "AE", "KW", "BH", "QA", "OM", "EG", "JO"])
        #expect(supabase.regions.allSatisfy { !middleEast.contains($0.country.rawValue) })
    }
}

@Suite("Webhook scheme names")
struct WebhookSchemeNameTests {
    @Test("a manifest written with an old scheme name still loads, as the new id")
    func oldName() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("old-scheme-\(UUID())/Providers")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        try """
        id: oldpay
        name: { en: Old Pay, ar: أولد باي }
        category: payment
        auth: { method: bearer }
        environments: { dev: { base_url: https://api.oldpay.example } }
        capabilities: [checkout.create]
        sources: [https://docs.oldpay.example]
        webhooks: { scheme: stripe-v1, registration: api, events: [charge.succeeded] }
        """.write(to: folder.appendingPathComponent("oldpay.yaml"), atomically: true, encoding: .utf8)
        let result = CatalogLoader(displayBase: folder.path).load(
            paths: [folder.deletingLastPathComponent().path], over: Fixtures.shippedCatalog)
        #expect(
            result.diagnostics.filter { $0.severity == .error }.isEmpty,
            "\(result.diagnostics.map { $0.rendered(in: .en) })")
        #expect(result.catalog.providers["oldpay"]?.webhooks?.scheme == .stripe)
    }
}

@Suite("README provider table")
struct ReadmeProviderTableTests {
    @Test("every provider has a row whose status, webhook scheme and preferring recipes are the catalog's")
    func tableMatchesCatalog() throws {
        let readme = try String(
            contentsOf: Fixtures.repository.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "<!-- providers:begin -->"))
        let end = try #require(readme.range(of: "<!-- providers:end -->"))
        var rows: [String: [String]] = [:]
        for line in readme[start.upperBound..<end.lowerBound].split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            rows[cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))] = cells
        }
        let catalog = Fixtures.shippedCatalog
        #expect(Set(rows.keys) == Set(catalog.providers.keys))
        for (id, provider) in catalog.providers {
            guard let cells = rows[id] else { continue }
            let preferring = catalog.recipes.values.filter { recipe in
                recipe.slots.contains { slot in slot.prefer.contains { $0.id == id } }
            }.map(\.id).sorted()
            let recipes =
                preferring.isEmpty
                ? (provider.status == .available ? "by pin (`pins:`)" : "none") : preferring.joined(separator: ", ")
            #expect(cells[1] == provider.status.rawValue, "\(id)")
            #expect(cells[5] == (provider.webhooks?.scheme.rawValue ?? "none"), "\(id)")
            #expect(cells[6] == recipes, "\(id)")
            #expect(cells[2] == "`Providers/\(id).yaml`", "\(id)")
        }
    }
}
