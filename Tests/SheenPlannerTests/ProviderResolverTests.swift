import Foundation
import SheenModel
import SheenPlanner
import Testing

@Suite("Provider resolution")
struct ProviderResolverTests {
    let subject = ProviderResolver(catalog: PlannerFixtures.catalog)

    @Test("a Kuwaiti shop pays with Tap, which offers KNET in KWD")
    func kuwait() throws {
        let resolutions = try subject.resolve(PlannerFixtures.request("arabic-ecommerce", markets: ["KW"]))
        let payments = try #require(resolutions[slot: "payments"])
        #expect(payments.providers == ["tap"])
        #expect(payments.assignments.first?.reasons.contains { $0.en.contains("knet (KW)") } == true)
        #expect(payments.assignments.first?.reasons.contains { $0.en.contains("settles KWD") } == true)
    }

    @Test("an Egyptian shop pays with Paymob, because Tap lacks the wallets Egyptian shoppers expect")
    func egypt() throws {
        let resolutions = try subject.resolve(PlannerFixtures.request("arabic-ecommerce", markets: ["EG"]))
        let payments = try #require(resolutions[slot: "payments"])
        #expect(payments.providers == ["paymob"])
        #expect(
            payments.assignments.first?.reasons.first?.en == "the recipe's choice #2 (tap lacks vodafone-cash in EG)")
    }

    @Test("a per-market slot splits: Tap for the Gulf, Paymob for Egypt")
    func split() throws {
        let resolutions = try subject.resolve(
            PlannerFixtures.request("arabic-ecommerce", markets: PlannerFixtures.menaMarkets))
        let payments = try #require(resolutions[slot: "payments"])
        #expect(payments.assignments.map(\.provider) == ["tap", "paymob"])
        #expect(
            payments.assignments.map { $0.markets.map(\.rawValue) } == [["SA", "AE", "KW", "BH", "QA", "OM"], ["EG"]])
    }

    @Test("mada is only ever offered in SAR: a Saudi shop charging USD cannot take mada")
    func madaNeedsSAR() throws {
        let request = try PlannerFixtures.request("arabic-ecommerce", markets: ["SA"], currencies: ["USD"])
        #expect(throws: PlanError.self) { try subject.resolve(request) }
        do {
            _ = try subject.resolve(request)
        } catch {
            #expect(error.message(in: .en).contains("tap lacks mada in SA"))
        }
    }

    @Test("KNET is only ever offered in KWD")
    func knetNeedsKWD() throws {
        let request = try PlannerFixtures.request("arabic-ecommerce", markets: ["KW"], currencies: ["USD"])
        do {
            _ = try subject.resolve(request)
            Issue.record("KNET resolved without KWD")
        } catch {
            #expect(error.message(in: .en).contains("tap lacks knet in KW"))
        }
    }

    @Test("Tabby is chosen only in AE, SA and KW", arguments: PlannerFixtures.menaMarkets)
    func tabbyMarkets(market: String) throws {
        let resolutions = try subject.resolve(PlannerFixtures.request("arabic-ecommerce", markets: [market]))
        let bnpl = try #require(resolutions[slot: "bnpl"])
        #expect(bnpl.providers == (["AE", "SA", "KW"].contains(market) ? ["tabby"] : []))
        #expect(bnpl.uncoveredMarkets.map(\.rawValue) == (["AE", "SA", "KW"].contains(market) ? [] : [market]))
    }

    @Test(
        "Stripe is never chosen for a Saudi or Egyptian merchant",
        arguments: [
            "arabic-ecommerce", "service-business-mena", "saas-mena", "global-saas", "enterprise-b2b", "ai-application",
        ],
        ["SA", "EG"])
    func neverStripe(recipe: String, market: String) throws {
        for environment in [DeploymentEnvironment.dev, .prod] {
            let resolutions = try subject.resolve(
                PlannerFixtures.request(recipe, markets: [market], environment: environment))
            #expect(!resolutions.flatMap(\.providers).contains("stripe"), "\(recipe) \(market) \(environment)")
        }
    }

    @Test("an unsatisfiable required slot names the slot, the market and what the nearest candidates lack")
    func unsatisfiable() throws {
        var request = try PlannerFixtures.request("arabic-ecommerce", markets: ["QA", "SA"])
        let index = try #require(request.recipe.slots.firstIndex { $0.name == "bnpl" })
        request.recipe.slots[index].optional = false
        do {
            _ = try subject.resolve(request)
            Issue.record("resolved a required BNPL slot in Qatar")
        } catch {
            let message = error.message(in: .en)
            #expect(
                message.hasPrefix(
                    "slot 'bnpl' cannot be filled in QA: tabby covers AE, SA, KW; not QA; tamara is coming soon"))
            #expect(error.message(in: .ar).contains("تعذر ملء الخانة 'bnpl' في QA"))
        }
    }

    @Test("a pin wins over the recipe's preference, and is explained")
    func pin() throws {
        let request = try PlannerFixtures.request("arabic-ecommerce", markets: ["SA"], pins: ["sms": "infobip"])
        let sms = try #require(try subject.resolve(request)[slot: "sms"])
        #expect(sms.providers == ["infobip"])
        #expect(sms.assignments.first?.reasons.first?.en == "pinned in the project file")
        #expect(sms.exclusions.first { $0.provider == "unifonic" }?.rule == .pinned)
    }

    @Test("a pin that cannot serve its market is an error naming the rule")
    func badPin() throws {
        let request = try PlannerFixtures.request("arabic-ecommerce", markets: ["EG"], pins: ["payments.EG": "tap"])
        #expect(
            throws: PlanError.pinnedProviderIneligible(
                slot: "payments", provider: "tap", market: PlannerFixtures.markets(["EG"])[0],
                detail: .init(en: "tap lacks vodafone-cash in EG", ar: "tap لا يقدّم vodafone-cash في EG"))
        ) {
            try subject.resolve(request)
        }
    }

    @Test(
        "required residency excludes providers without an in-country region; preferred residency explains the nearest")
    func residency() throws {
        let saudi = PlannerFixtures.markets(["SA"])
        let preferred = try PlannerFixtures.request(
            "arabic-ecommerce", markets: ["SA"], residency: .init(countries: saudi, level: .preferred))
        // Google Cloud's Dammam region keeps Saudi data in the Kingdom: preferred residency ranks it first.
        let deploy = try #require(try subject.resolve(preferred)[slot: "deploy"])
        #expect(deploy.providers == ["gcp"])
        #expect(deploy.assignments.first?.reasons.last?.en.contains("me-central2 (SA)") == true)

        let required = try PlannerFixtures.request(
            "arabic-ecommerce", markets: ["SA"], residency: .init(countries: saudi, level: .required))
        let saudiOnly = try #require(try subject.resolve(required)[slot: "deploy"])
        #expect(saudiOnly.providers == ["gcp"])
        #expect(saudiOnly.exclusions.contains { $0.provider == "aws" && $0.rule == .residency })

        // Preferred residency without an in-country region explains the nearest one.
        let kuwait = PlannerFixtures.markets(["KW"])
        let nearest = try PlannerFixtures.request(
            "arabic-ecommerce", markets: ["KW"], residency: .init(countries: kuwait, level: .preferred))
        let near = try #require(try subject.resolve(nearest)[slot: "deploy"])
        #expect(near.assignments.first?.reasons.last?.en.contains("nearest") == true)
        let impossible = try PlannerFixtures.request(
            "arabic-ecommerce", markets: ["KW"], residency: .init(countries: kuwait, level: .required))
        #expect(throws: PlanError.self) { try subject.resolve(impossible) }

        let uae = PlannerFixtures.markets(["AE"])
        let inUAE = try PlannerFixtures.request(
            "arabic-ecommerce", markets: ["AE"], residency: .init(countries: uae, level: .required))
        #expect(
            try subject.resolve(inUAE)[slot: "deploy"]?.assignments.first?.reasons.last?.en
                == "keeps data in me-central-1 (AE)")
    }

    @Test("an optional slot can be left out; a required one cannot")
    func disabling() throws {
        let request = try PlannerFixtures.request("arabic-ecommerce", markets: ["SA"], disabled: ["bnpl"])
        #expect(try subject.resolve(request)[slot: "bnpl"]?.disabled == true)
        let required = try PlannerFixtures.request("arabic-ecommerce", markets: ["SA"], disabled: ["payments"])
        #expect(throws: PlanError.requiredSlotDisabled(slot: "payments")) { try subject.resolve(required) }
    }

    @Test("every exclusion names its rule")
    func exclusions() throws {
        let payments = try #require(
            try subject.resolve(PlannerFixtures.request("arabic-ecommerce", markets: ["SA"]))[slot: "payments"])
        let rules = Dictionary(uniqueKeysWithValues: payments.exclusions.map { ($0.provider, $0.rule) })
        #expect(rules["moyasar"] == .comingSoon)
        #expect(rules["stripe"] == .market)
        #expect(rules["paymob"] == .paymentMethod)
        #expect(rules["tabby"] == .capability)
    }

    @Test("SMS splits by market: Unifonic where its Saudi sender registration is sourced, Infobip elsewhere")
    func smsSplit() throws {
        let resolutions = try subject.resolve(
            PlannerFixtures.request("service-business-mena", markets: PlannerFixtures.menaMarkets))
        let sms = try #require(resolutions[slot: "sms"])
        #expect(sms.assignments.map(\.provider) == ["unifonic", "infobip"])
        #expect(sms.assignments.first?.markets.map(\.rawValue) == ["SA"])
    }

    @Test("no sourced carrier covers Qatar: the shop plans there and the plan names the gap")
    func shippingGapInQatar() throws {
        let resolutions = try subject.resolve(
            PlannerFixtures.request("arabic-ecommerce", markets: PlannerFixtures.menaMarkets))
        let shipping = try #require(resolutions[slot: "shipping"])
        #expect(shipping.providers == ["aramex"])
        #expect(shipping.uncoveredMarkets.map(\.rawValue) == ["QA"])
    }

    @Test("the AI recipe's model comes from OpenAI unless Anthropic is pinned")
    func languageModel() throws {
        let markets = ["AE"]
        let byDefault = try subject.resolve(PlannerFixtures.request("ai-application", markets: markets))
        #expect(byDefault[slot: "llm"]?.providers == ["openai"])
        let pinned = try subject.resolve(
            PlannerFixtures.request("ai-application", markets: markets, pins: ["llm": "anthropic"]))
        #expect(pinned[slot: "llm"]?.providers == ["anthropic"])
    }
}

@Suite("Connection binding")
struct ConnectionBindingTests {
    static func connection(
        _ provider: String, _ alias: String, _ environment: DeploymentEnvironment, markets: [String] = []
    ) -> Connection {
        Connection(
            id: "\(provider)-\(alias)-\(environment.rawValue)", project: "souq", provider: provider,
            environment: environment, alias: alias, markets: PlannerFixtures.markets(markets),
            createdAt: Date(timeIntervalSince1970: 0), updatedAt: Date(timeIntervalSince1970: 0))
    }

    func plan(
        _ recipe: String, markets: [String], environment: DeploymentEnvironment = .dev, connections: [Connection]
    ) throws -> Plan {
        var request = try PlannerFixtures.request(recipe, markets: markets, environment: environment)
        request.connections = connections
        return try PlanBuilder(catalog: PlannerFixtures.catalog).plan(request, state: InMemoryStateSnapshot())
    }

    @Test("a Tap connection per entity: each market's steps run through the entity that serves it")
    func perEntity() throws {
        let plan = try plan(
            "saas-mena", markets: ["SA", "EG"],
            connections: [
                Self.connection("tap", "sa-entity", .dev, markets: ["SA"]),
                Self.connection("tap", "eg-entity", .dev, markets: ["EG"]),
            ])
        let tap = plan.nodes.filter { $0.provider == "tap" }
        #expect(Set(tap.compactMap(\.connection)) == ["tap/sa-entity", "tap/eg-entity"])
        let verifySA = try #require(plan.nodes.first { $0.id == "tap.verify-key@sa-entity" })
        #expect(verifySA.inputs["markets"] == "SA")
        #expect(verifySA.inputs["connection"] == "sa-entity")
        #expect(verifySA.dependsOn == ["preflight.tap.credentials@sa-entity"])
        let verifyEG = try #require(plan.nodes.first { $0.id == "tap.verify-key@eg-entity" })
        #expect(verifyEG.inputs["markets"] == "EG")
        #expect(plan.missingConnections.filter { $0.provider == "tap" }.isEmpty)
    }

    @Test("test and live Stripe connections: dev binds the dev one, prod the prod one")
    func stripeByEnvironment() throws {
        let connections = [Self.connection("stripe", "default", .dev), Self.connection("stripe", "default", .prod)]
        for environment in [DeploymentEnvironment.dev, .prod] {
            let plan = try plan("global-saas", markets: ["AE"], environment: environment, connections: connections)
            let stripe = plan.nodes.filter { $0.provider == "stripe" }
            #expect(!stripe.isEmpty)
            #expect(stripe.allSatisfy { $0.connection == "stripe/default" && !$0.id.contains("@") })
            #expect(!plan.missingConnections.contains { $0.provider == "stripe" })
        }
        let staging = try plan("global-saas", markets: ["AE"], environment: .staging, connections: connections)
        let missing = try #require(staging.missingConnections.first { $0.provider == "stripe" })
        #expect(
            missing.command
                == "sheen connect stripe --env staging --field secret_key=@env:STRIPE_SECRET_KEY --field publishable_key=@env:STRIPE_PUBLISHABLE_KEY"
        )
    }

    @Test("webhooks.public_url: each connection's receiver URL is planned, and registration steps are given it")
    func webhookEndpoints() throws {
        let bare = try plan(
            "saas-mena", markets: ["SA", "EG"],
            connections: [
                Self.connection("tap", "sa-entity", .dev, markets: ["SA"]),
                Self.connection("tap", "eg-entity", .dev, markets: ["EG"]),
            ])
        #expect(!bare.webhooks.isEmpty && bare.webhooks.allSatisfy { $0.url == nil })
        #expect(!bare.nodes.contains { $0.inputs["webhook_url"] != nil || $0.inputs["public_url"] != nil })

        var request = try PlannerFixtures.request("saas-mena", markets: ["SA", "EG"])
        request.connections = [
            Self.connection("tap", "sa-entity", .dev, markets: ["SA"]),
            Self.connection("tap", "eg-entity", .dev, markets: ["EG"]),
        ]
        request.webhookPublicURL = "https://hooks.example.sa"
        let planned = try PlanBuilder(catalog: PlannerFixtures.catalog).plan(request, state: InMemoryStateSnapshot())
        // One endpoint per connection, so two Tap entities get two URLs.
        let tap = planned.webhooks.filter { $0.provider == "tap" }.map(\.url)
        #expect(
            Set(tap) == [
                "https://hooks.example.sa/v1/webhooks/tap/sa-entity",
                "https://hooks.example.sa/v1/webhooks/tap/eg-entity",
            ])
        let receiver = try #require(planned.nodes.first { $0.id == "recipe.webhook-receiver" })
        #expect(receiver.inputs["public_url"] == "https://hooks.example.sa")
        // Steps that wait on the receiver get their own connection's URL; others are untouched.
        for node in planned.nodes where node.role == .step && node.provider != nil {
            let waits = node.dependsOn.contains("recipe.webhook-receiver")
            let alias = node.connection.map { String($0.split(separator: "/")[1]) }
            if waits, let provider = node.provider, let alias,
                PlannerFixtures.catalog.providers[provider]?.webhooks != nil
            {
                #expect(node.inputs["webhook_url"] == "https://hooks.example.sa/v1/webhooks/\(provider)/\(alias)")
            } else {
                #expect(node.inputs["webhook_url"] == nil, "\(node.id)")
                // Their own inputs are unchanged (a hash also covers dependencies, which may register: Resend's
                // domain waits on its webhook).
                let before = bare.nodes.first { $0.id == node.id }
                #expect(before?.inputs == node.inputs, "\(node.id)")
            }
        }
        #expect(planned.nodes.contains { $0.inputs["webhook_url"] != nil })
        // Saved and loaded, the endpoints survive.
        let (read, _) = try PlanDocumentTests.roundTrip(planned)
        #expect(read.webhooks == planned.webhooks)
    }

    @Test("binding to the default alias keeps a step's input hash; another alias changes it")
    func hashes() throws {
        let bare = try plan("global-saas", markets: ["AE"], connections: [])
        let bound = try plan("global-saas", markets: ["AE"], connections: [Self.connection("stripe", "default", .dev)])
        let aliased = try plan("global-saas", markets: ["AE"], connections: [Self.connection("stripe", "live-2", .dev)])
        func hash(_ plan: Plan) -> String? { plan.nodes.first { $0.id == "stripe.verify-key" }?.inputHash }
        #expect(hash(bare) != nil && hash(bare) == hash(bound))
        // A connection under another alias that lists no markets takes nothing: unlisted markets go to `default`.
        #expect(hash(aliased) == hash(bare))
        #expect(aliased.missingConnections.contains { $0.provider == "stripe" })
        let split = try plan(
            "global-saas", markets: ["AE"],
            connections: [Self.connection("stripe", "uae", .dev, markets: ["AE"])])
        let uae = try #require(split.nodes.first { $0.id == "stripe.verify-key" })
        #expect(uae.inputHash != hash(bare))
        #expect(uae.connection == "stripe/uae")
    }
}
