import Foundation
import SheenModel
import SheenPlanner
import Testing

@Suite("Plan graph and diff")
struct PlanBuilderTests {
    let subject = PlanBuilder(catalog: PlannerFixtures.catalog)

    static func dag(_ edges: [(String, [String])]) -> NeutralDAG {
        NeutralDAG(name: "t", nodes: edges.map { NeutralDAG.Node(id: $0.0, deps: $0.1) })
    }

    @Test("levels and the critical path of a small DAG")
    func levels() throws {
        let plan = try subject.plan(
            dag: Self.dag([("a", []), ("b", ["a"]), ("c", ["a"]), ("d", ["b", "c"]), ("e", [])]),
            state: InMemoryStateSnapshot())
        #expect(plan.nodes.map(\.id) == ["a", "e", "b", "c", "d"])
        #expect(plan.nodes.map(\.level) == [0, 0, 1, 1, 2])
        #expect(plan.criticalPath == ["a", "b", "d"])
        #expect(plan.depth == 3)
        #expect(plan.count(.create) == 5)
    }

    @Test("a cycle is reported as its path")
    func cycle() {
        let dag = Self.dag([("a", ["c"]), ("b", ["a"]), ("c", ["b"]), ("d", [])])
        #expect(throws: PlanError.dependencyCycle(["a", "c", "b", "a"])) {
            try subject.plan(dag: dag, state: InMemoryStateSnapshot())
        }
    }

    @Test("a DAG file with an unknown dependency or a repeated node is refused")
    func badDAG() {
        #expect(throws: PlanError.dagUnknownDependency(node: "b", dependency: "x")) {
            try subject.plan(dag: Self.dag([("a", []), ("b", ["x"])]), state: InMemoryStateSnapshot())
        }
        #expect(throws: PlanError.dagDuplicateNode("a")) {
            try subject.plan(dag: Self.dag([("a", []), ("a", [])]), state: InMemoryStateSnapshot())
        }
    }

    @Test("each step gets an action and a reason from recorded state")
    func diff() throws {
        let ids = ["a", "b", "c", "c2", "d", "e", "e2", "s", "s2", "p"]
        let dag = Self.dag([("a", []), ("b", ["a"])] + ids.dropFirst(2).map { ($0, []) })
        let fresh = try subject.plan(dag: dag, state: InMemoryStateSnapshot())
        let hash = Dictionary(uniqueKeysWithValues: fresh.nodes.map { ($0.id, $0.inputHash) })
        func record(
            _ id: String, _ status: StepRecord.Status, kind: String = "sheen.data", created: Bool? = nil
        )
            -> StepRecord
        {
            StepRecord(stepID: id, kind: kind, inputHash: hash[id] ?? "", status: status, created: created)
        }
        let state = InMemoryStateSnapshot(records: [
            record("a", .succeeded),
            StepRecord(stepID: "b", kind: "sheen.data", inputHash: "stale", status: .succeeded),
            record("c", .failed),
            record("c2", .failed, created: true),
            record("d", .succeeded, kind: "other.kind"),
            record("e", .inFlight),
            record("e2", .inFlight, created: true),
            record("s", .skipped),
            record("s2", .skipped, created: true),
            record("p", .pending),
            StepRecord(stepID: "gone", kind: "sheen.data", inputHash: "x", status: .succeeded),
        ])
        let plan = try subject.plan(dag: dag, state: state)
        let actions = Dictionary(
            uniqueKeysWithValues: plan.nodes.map {
                ($0.id, "\($0.action?.rawValue ?? "")/\($0.reason?.rawValue ?? "")")
            })
        // What never succeeded is created (observed first where a call may have landed); what did is updated.
        #expect(
            actions == [
                "a": "noop/unchanged", "b": "update/inputs-changed",
                "c": "create/failed-previously", "c2": "update/failed-previously",
                "d": "replace/kind-changed",
                "e": "create/interrupted", "e2": "update/interrupted",
                "s": "create/skipped-previously", "s2": "update/skipped-previously",
                "p": "create/skipped-previously",
                "gone": "delete/not-in-plan",
            ])
        #expect(plan.hasChanges)
        #expect(plan.stateFingerprint != fresh.stateFingerprint)
    }

    @Test("a re-plan against the state of a finished apply has no changes")
    func noChanges() throws {
        let dag = Self.dag([("a", []), ("b", ["a"])])
        let first = try subject.plan(dag: dag, state: InMemoryStateSnapshot())
        let state = InMemoryStateSnapshot(
            records: first.steps.map {
                StepRecord(stepID: $0.id, kind: $0.kind, inputHash: $0.inputHash, status: .succeeded)
            })
        let again = try subject.plan(dag: dag, state: state)
        #expect(!again.hasChanges)
        #expect(again.count(.noop) == 2)
    }

    @Test("a change upstream re-plans everything that builds on it")
    func cascade() throws {
        let before = try subject.plan(
            dag: Self.dag([("a", []), ("b", ["a"]), ("c", [])]), state: InMemoryStateSnapshot())
        let after = try subject.plan(
            dag: Self.dag([("a", ["c"]), ("b", ["a"]), ("c", [])]), state: InMemoryStateSnapshot())
        let hashes = { (plan: Plan) in Dictionary(uniqueKeysWithValues: plan.nodes.map { ($0.id, $0.inputHash) }) }
        #expect(hashes(before)["c"] == hashes(after)["c"])
        #expect(hashes(before)["a"] != hashes(after)["a"])
        #expect(hashes(before)["b"] != hashes(after)["b"])
    }

    @Test("a recipe plan gates each provider's first steps on its credentials check and feeds checklist sinks")
    func recipeGraph() throws {
        let plan = try subject.plan(
            PlannerFixtures.request("arabic-ecommerce", markets: ["SA"]), state: InMemoryStateSnapshot())
        let node = { (id: String) in plan.nodes.first { $0.id == id } }
        #expect(node("tap.verify-key")?.dependsOn == ["preflight.tap.credentials"])
        #expect(node("tap.test-charge")?.dependsOn == ["recipe.webhook-receiver", "tap.verify-key"])
        #expect(node("checklist.payment-test-checkout")?.dependsOn == ["tap.test-charge"])
        #expect(node("recipe.env")?.dependsOn.contains("tap.test-charge") == true)
        #expect(plan.checklist.first { $0.item == "arabic-font-rendering" }?.turnsGreen == false)
        #expect(plan.checklist.first { $0.item == "payment-test-checkout" }?.turnsGreen == true)
    }

    @Test("test charges run in dev but not in prod, where the payment item needs you")
    func environments() throws {
        let prod = try subject.plan(
            PlannerFixtures.request("arabic-ecommerce", markets: ["SA"], environment: .prod),
            state: InMemoryStateSnapshot())
        #expect(!prod.nodes.contains { $0.id == "tap.test-charge" })
        #expect(prod.checklist.first { $0.item == "payment-test-checkout" }?.turnsGreen == false)
    }

    @Test("the same inputs give byte-identical JSON")
    func deterministic() throws {
        let request = try PlannerFixtures.request("arabic-ecommerce", markets: PlannerFixtures.menaMarkets)
        let first = PlanJSONRenderer.render(try subject.plan(request, state: InMemoryStateSnapshot()))
        let second = PlanJSONRenderer.render(
            try PlanBuilder(catalog: PlannerFixtures.catalog).plan(request, state: InMemoryStateSnapshot()))
        #expect(first == second)
    }

    @Test(
        "every shipped recipe plans in every MENA market, in dev and prod",
        arguments: [
            "arabic-ecommerce", "service-business-mena", "saas-mena", "global-saas", "enterprise-b2b", "ai-application",
        ])
    func everyRecipe(recipe: String) throws {
        for market in PlannerFixtures.menaMarkets {
            for environment in [DeploymentEnvironment.dev, .prod] {
                let plan = try subject.plan(
                    PlannerFixtures.request(recipe, markets: [market], environment: environment),
                    state: InMemoryStateSnapshot())
                #expect(plan.count(.create) == plan.steps.count)
                #expect(!plan.criticalPath.isEmpty)
            }
        }
    }
}

@Suite("Catalog facts in plans")
struct CatalogFactsTests {
    let builder = PlanBuilder(catalog: PlannerFixtures.catalog)

    @Test(
        "recurring billing is a saved card charged by the merchant: Tap offers no subscriptions, and the plan says so")
    func recurringBilling() throws {
        let tap = try #require(PlannerFixtures.catalog.providers["tap"])
        #expect(!tap.capabilities.map(\.rawValue).contains("subscription.create"))
        #expect(tap.capabilities.map(\.rawValue).contains("charge.merchant-initiated"))
        #expect(tap.idempotency == .bodyField(path: "reference.idempotent", maxKeyLength: nil))
        let plan = try builder.plan(
            try PlannerFixtures.request("saas-mena", markets: ["SA"]), state: InMemoryStateSnapshot())
        let payments = try #require(plan.resolutions[slot: "payments"]?.assignments.first)
        #expect(payments.provider == "tap")
        #expect(payments.notes.contains { $0.en.contains("no subscription API") })
        let text = PlanTextRenderer().render(plan)
        #expect(text.contains("recurring billing is your app charging the saved card each period"))
    }

    @Test("a market with its own host sends its calls there, and the plan shows it")
    func marketHosts() throws {
        let plan = try builder.plan(
            try PlannerFixtures.request("arabic-ecommerce", markets: ["SA", "EG"]), state: InMemoryStateSnapshot())
        let tabby = try #require(plan.resolutions[slot: "bnpl"]?.assignments.first { $0.provider == "tabby" })
        #expect(tabby.hosts[PlannerFixtures.markets(["SA"])[0]] == "https://api.tabby.sa")
        let step = try #require(plan.nodes.first { $0.provider == "tabby" && $0.role == .step })
        #expect(step.inputs["market_hosts"] == "SA=https://api.tabby.sa")
        #expect(PlanTextRenderer().render(plan).contains("SA calls go to https://api.tabby.sa"))
    }

    @Test(
        "every applicable checklist item of every recipe in every MENA market has evidence that can turn it green",
        arguments: [
            "ai-application", "arabic-ecommerce", "enterprise-b2b", "global-saas", "saas-mena",
            "service-business-mena",
        ])
    func checklistApplicability(recipe: String) throws {
        for market in PlannerFixtures.menaMarkets {
            let plan = try builder.plan(
                try PlannerFixtures.request(recipe, markets: [market]), state: InMemoryStateSnapshot())
            let hasDeploy = plan.resolutions.contains { $0.slot == "deploy" && !$0.assignments.isEmpty }
            let deployItem = plan.checklist.first { $0.item == "deploy-region" }
            #expect(deployItem?.applies == hasDeploy, "\(recipe) in \(market): deploy-region follows the deploy slot")
            #expect(plan.checklist.first { $0.item == "arabic-font-rendering" }?.applies == true)
            for entry in plan.checklist where entry.applies {
                #expect(entry.turnsGreen || !entry.otherEvidence.isEmpty, "\(recipe)/\(market): \(entry.item)")
            }
        }
    }

    @Test("Arabic font rendering applies when a market is Arabic-speaking or the recipe sends Arabic messages")
    func servesArabic() throws {
        func applies(_ markets: [String], arabicTemplates: Bool) throws -> Bool? {
            var request = try PlannerFixtures.request("global-saas", markets: markets)
            if !arabicTemplates { request.recipe.templates = [] }
            let plan = try builder.plan(request, state: InMemoryStateSnapshot())
            return plan.checklist.first { $0.item == "arabic-font-rendering" }?.applies
        }
        #expect(try applies(["US", "GB"], arabicTemplates: false) == false)
        #expect(try applies(["US", "AE"], arabicTemplates: false) == true)
        #expect(try applies(["US", "GB"], arabicTemplates: true) == true)
    }
}

@Suite("Project settings handed to test steps")
struct LaunchSettingsPlanTests {
    let builder = PlanBuilder(catalog: PlannerFixtures.catalog)

    static func connection(_ provider: String, sandbox: Bool) -> Connection {
        Connection(
            id: "\(provider)-1", project: "souq", provider: provider, environment: .dev, sandbox: sandbox,
            baseURL: sandbox ? "http://127.0.0.1:4999" : nil, createdAt: Date(), updatedAt: Date())
    }

    @Test("set in the project: each needing step gets the value; the plan lists it with its steps")
    func fromProject() throws {
        var request = try PlannerFixtures.request("arabic-ecommerce", markets: ["SA"])
        let phone = try PhoneNumber.parse("٠٥١٢٣٤٥٦٧٨", region: CountryCode(rawValue: "SA")).get()
        request.launch = LaunchSettings(ownerPhone: phone)
        let plan = try builder.plan(request, state: InMemoryStateSnapshot())
        #expect(plan.nodes.first { $0.kind == "unifonic.test-otp" }?.inputs["owner.phone"] == "+966512345678")
        let use = try #require(plan.settings.first { $0.key == .ownerPhone })
        #expect(use.source == .project && use.steps == ["unifonic.test-otp"] && use.value == "+966512345678")
        // Left out with a real connection: listed as missing, and the step has no value to use.
        let shipping = try #require(plan.settings.first { $0.key == .shipFrom })
        #expect(shipping.source == .missing && shipping.value == nil)
        #expect(plan.nodes.first { $0.kind == "aramex.test-label" }?.inputs["shipping.from"] == nil)
    }

    @Test("left out with a sandbox connection: the market's test values, marked as the sandbox's")
    func fromSandbox() throws {
        var request = try PlannerFixtures.request("arabic-ecommerce", markets: ["EG"])
        request.connections = [Self.connection("aramex", sandbox: true), Self.connection("infobip", sandbox: false)]
        let plan = try builder.plan(request, state: InMemoryStateSnapshot())
        let label = try #require(plan.nodes.first { $0.kind == "aramex.test-label" })
        let from = try #require(label.inputs["shipping.from"].flatMap(LaunchSettings.decodeAddress))
        #expect(from.country.rawValue == "EG" && from.phone.e164 == "+201001234567" && from.city == "Cairo")
        #expect(plan.settings.first { $0.key == .shipFrom }?.source == .sandbox)
        #expect(plan.settings.first { $0.key == .whatsappSender }?.source == .missing)
        // The JSON plan carries the same, and reads back.
        let (read, _) = try PlanDocumentTests.roundTrip(plan)
        #expect(read.settings == plan.settings)
    }
}
