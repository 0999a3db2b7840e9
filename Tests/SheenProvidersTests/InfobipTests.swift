import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SheenApplication
import SheenAuth
import SheenEngine
import SheenModel
import SheenPlanner
import SheenServer
import SheenSimulator
import SheenStore
import SheenTestSupport
import SheenWebhooks
import Testing

@testable import SheenProviders

@Suite("Infobip WhatsApp templates: adapter and simulator over loopback HTTP")
struct InfobipTests {
    static func start(
        faults: FaultPlan = FaultPlan(), reviewAfter: Duration = .milliseconds(100), notifyURL: String? = nil
    ) async throws -> Simulated<InfobipSimulator> {
        let simulator = try InfobipSimulator(faults: Faults(faults), reviewAfter: reviewAfter, notifyURL: notifyURL)
        return try await .serve(simulator, simulator.router())
    }

    static let templates = TemplateInput.encode(
        ProviderFixtures.catalog.recipes["arabic-ecommerce"]?.templates.filter { $0.channel == .whatsapp } ?? [])

    static func context(
        _ kind: String, base: String, sender: String? = InfobipSimulator.sender, key: String = InfobipSimulator.apiKey
    ) -> StepContext {
        StepContext(
            stepID: kind, kind: kind, provider: "infobip", environment: .dev,
            inputs: ["markets": "SA", "project": "souq", "templates": templates], connection: "infobip/default",
            inputHash: "h", idempotencyKey: "infobip-key", clock: SystemClock(),
            credentials: CredentialAccess(baseURL: base) {
                var values = ["api_key": key, "base_url": "https://sandbox.api.infobip.com"]
                values["whatsapp_sender"] = sender
                return Credentials(values)
            })
    }

    static func runners(_ reviews: TemplateReviews? = nil) -> RunnerRegistry {
        var runners = RunnerRegistry()
        ProviderAdapters.register(into: &runners, catalog: ProviderFixtures.catalog, reviews: reviews)
        return runners
    }

    @Test("verify-key lists templates with the App key; a wrong key is Infobip's 401 E401")
    func verifyKey() async throws {
        let running = try await Self.start()
        defer { running.server.stop() }
        let runner = try #require(Self.runners().runner(for: "infobip.verify-key"))
        #expect(
            try await runner.create(Self.context("infobip.verify-key", base: running.base)).outputs["templates"] == "0")
        let failure = await #expect(throws: StepFailure.self) {
            _ = try await runner.create(Self.context("infobip.verify-key", base: running.base, key: "wrong"))
        }
        #expect(failure?.message.contains("E401") == true)
    }

    @Test("verify-sender: connected passes, pending waits, unknown fails saying how to fix it")
    func verifySender() async throws {
        let running = try await Self.start()
        defer { running.server.stop() }
        let runner = try #require(Self.runners().runner(for: "infobip.verify-sender"))
        #expect(
            try await runner.create(Self.context("infobip.verify-sender", base: running.base)).outputs["status"]
                == "CONNECTED")
        let pending = await #expect(throws: StepFailure.self) {
            _ = try await runner.create(
                Self.context("infobip.verify-sender", base: running.base, sender: "966500000009"))
        }
        #expect(pending?.isWaiting == true)
        let unknown = await #expect(throws: StepFailure.self) {
            _ = try await runner.create(
                Self.context("infobip.verify-sender", base: running.base, sender: "966511111111"))
        }
        #expect(unknown?.message.contains("whatsapp_sender") == true && unknown?.isWaiting == false)
    }

    @Test(
        "submit-templates: each template in Arabic and English once; a second run submits nothing; observe finds them")
    func submit() async throws {
        let running = try await Self.start()
        defer { running.server.stop() }
        let runner = try #require(Self.runners().runner(for: "infobip.submit-templates"))
        let context = Self.context("infobip.submit-templates", base: running.base)
        #expect(try await runner.observe(context) == nil)
        let first = try await runner.create(context)
        let ids = try #require(first.outputs["template_ids"])
        #expect(ids.contains("order_confirmation/ar=") && ids.contains("shipping_update/en="))
        _ = try await runner.create(context)
        #expect(await running.simulator.store.read { $0.ledger.count { $0.kind == "template.submitted" } } == 4)
        #expect(try await runner.observe(context)?.outputs["template_ids"] == ids)
        let body = try #require(
            await running.simulator.store.read { world in
                world.templates.values.first { $0.name == "order_confirmation" && $0.language == "ar" }
            })
        #expect(body.structure.body.examples == ["سارة", "A-1042"] && body.category == "UTILITY")
    }

    @Test(
        "template-status: waits while Meta reviews; then records every verdict, a rejection with Meta's reason and the fix in English and Arabic"
    )
    func status() async throws {
        // Meta takes its time until the test says otherwise, whatever the machine's load.
        let running = try await Self.start(reviewAfter: .seconds(3600))
        defer { running.server.stop() }
        _ = try await Self.runners().runner(for: "infobip.submit-templates")?.create(
            Self.context("infobip.submit-templates", base: running.base))
        var waiting = InfobipTemplateStatusRunner(reviews: nil, budget: .milliseconds(10), interval: .milliseconds(10))
        let early = await #expect(throws: StepFailure.self) {
            _ = try await waiting.create(Self.context("infobip.template-status", base: running.base))
        }
        #expect(early?.isWaiting == true && early?.message.contains("pending") == true)
        running.simulator.faults.set(
            FaultPlan(reviewDelayMilliseconds: 0, rejections: ["shipping_update/en": "INVALID_FORMAT"]))

        // The reason arrives with Infobip's notification, which sheen serve stores; here, a lookup standing in.
        let reviews = TemplateReviews { name, language in
            name == "shipping_update" && language == "en" ? "REJECTED:INVALID_FORMAT" : "APPROVED"
        }
        waiting = InfobipTemplateStatusRunner(reviews: reviews, budget: .seconds(5), interval: .milliseconds(50))
        let result = try await waiting.create(Self.context("infobip.template-status", base: running.base))
        #expect(result.outputs["approved"] == "3" && result.outputs["rejected"] == "1")
        #expect(result.outputs["reviews"]?.contains("shipping_update/en=REJECTED:INVALID_FORMAT") == true)
        #expect(result.outputs["reviews"]?.contains("order_confirmation/ar=APPROVED") == true)
        #expect(result.outputs["fix"]?.contains("shipping_update/en: Meta found the format invalid") == true)
        #expect(result.outputs["fix_ar"]?.contains("رأت Meta أن الصيغة غير صالحة") == true)
    }

    @Test(
        "test-sms: sent with the step's message id, delivered; a repeat is the same message; observe finds it in the logs"
    )
    func testSMS() async throws {
        let running = try await Self.start()
        defer { running.server.stop() }
        let runner = try #require(Self.runners().runner(for: "infobip.test-sms"))
        var context = Self.context("infobip.test-sms", base: running.base)
        context.inputs["owner.phone"] = "+201001234567"
        context.inputs["senders.sms"] = "SheenTest"
        #expect(try await runner.observe(context) == nil)
        let sent = try await runner.create(context)
        #expect(sent.outputs["status"] == "DELIVERED")
        _ = try await runner.create(context)
        #expect(try await runner.observe(context)?.externalID == sent.externalID)
        let messages = await running.simulator.store.read { Array($0.sms.values) }
        #expect(messages.count == 1 && messages.first?.to == "201001234567" && messages.first?.sender == "SheenTest")
        context.inputs["owner.phone"] = nil
        let missing = await #expect(throws: StepFailure.self) { _ = try await runner.create(context) }
        #expect(missing?.message.contains("owner.phone") == true)
    }

    static func submit(_ base: String, _ body: [String: Any]) async throws -> (Int, [String: Any]) {
        var request = HTTPClientRequest(url: base + "/whatsapp/2/senders/\(InfobipSimulator.sender)/templates")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "App \(InfobipSimulator.apiKey)")
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        let data = try await response.body.collect(upTo: 1 << 20)
        return (
            Int(response.status.code),
            (try? JSONSerialization.jsonObject(with: Data(data.readableBytesView))) as? [String: Any] ?? [:]
        )
    }

    static func template(_ change: (inout [String: Any], inout [String: Any]) -> Void) -> [String: Any] {
        var template: [String: Any] = ["name": "order_ready", "language": "ar", "category": "UTILITY"]
        var structure: [String: Any] = ["body": ["text": "طلبك {{1}} جاهز", "examples": ["A-1"]], "type": "TEXT"]
        change(&template, &structure)
        template["structure"] = structure
        return template
    }

    @Test("Meta's rules, enforced at submission: each refusal is Infobip's E400 naming the property")
    func metaRules() async throws {
        let running = try await Self.start()
        defer { running.server.stop() }
        #expect(try await Self.submit(running.base, Self.template { _, _ in }).0 == 201)
        let cases: [([String: Any], String)] = [
            (Self.template { template, _ in template["name"] = "Order-Ready" }, "name"),
            (Self.template { template, _ in template["language"] = "ar-SA" }, "language"),
            (Self.template { template, _ in template["category"] = "PROMO" }, "category"),
            (
                Self.template { _, structure in structure["body"] = ["text": String(repeating: "ا", count: 1025)] },
                "structure.body.text"
            ),
            (
                Self.template { _, structure in structure["body"] = ["text": "{{1}} و {{3}}", "examples": ["a", "b"]] },
                "structure.body.text"
            ),
            (
                Self.template { _, structure in structure["body"] = ["text": "طلبك {{1}}", "examples": []] },
                "structure.body.examples"
            ),
            (
                Self.template { _, structure in
                    structure["buttons"] = [["type": "QUICK_REPLY", "text": String(repeating: "x", count: 26)]]
                }, "structure.buttons[0].text"
            ),
            (Self.template { _, _ in }, "name"),
        ]
        for (body, property) in cases {
            let (status, json) = try await Self.submit(running.base, body)
            let violations = json["violations"] as? [[String: Any]] ?? []
            #expect(status == 400 && json["errorCode"] as? String == "E400", "\(property): \(json)")
            #expect(violations.contains { $0["property"] as? String == property }, "\(property): \(violations)")
        }
        #expect(await running.simulator.store.read { $0.templates.count } == 1)
    }

    @Test(
        "end to end: arabic-ecommerce's templates submitted and reviewed through the engine; the reviews reach sheen serve and the rejection's reason is recorded"
    )
    func endToEnd() async throws {
        let harness = try await SandboxHarness.start()
        defer { harness.stop() }
        let running = try await Self.start(
            faults: FaultPlan(rateLimited: 1, serverErrors: 1, rejections: ["shipping_update/en": "INCORRECT_CATEGORY"])
        )
        defer { running.server.stop() }
        try await harness.connect(
            "infobip", base: running.base,
            credentials: [
                "api_key": InfobipSimulator.apiKey, "base_url": "https://sandbox.api.infobip.com",
                "whatsapp_sender": InfobipSimulator.sender,
            ])
        // The dashboard's webhook setting: the connection's receiver URL, token included.
        let (url, _) = try await harness.connections.webhookURL(
            project: harness.project, provider: "infobip", environment: .dev,
            base: "http://127.0.0.1:\(harness.receiver.port)")
        try await running.simulator.store.mutate { $0.notifyURL = url }
        let plan = try await harness.plan("arabic-ecommerce", markets: ["SA"], providers: ["infobip"])
        #expect(
            Set(plan.steps.map(\.kind)).isSuperset(of: [
                "infobip.verify-key", "infobip.verify-sender", "infobip.submit-templates", "infobip.template-status",
            ]))
        let report = try await harness.apply(plan)
        #expect(report.ok, "\(report.failed)")
        let stored = try await harness.events(of: "infobip", count: 4)
        #expect(stored.count == 4 && stored.allSatisfy { $0.event.type == "TEMPLATE_STATUS_UPDATE" })
        let state = try #require(
            try await harness.store.steps(in: harness.scope).first { $0.stepID == "infobip.template-status" })
        #expect(state.outputs["reviews"]?.contains("shipping_update/en=REJECTED:INCORRECT_CATEGORY") == true)
        #expect(state.outputs["fix"]?.contains("category") == true)
        let requests = running.simulator.requests.value
        let again = try await harness.plan("arabic-ecommerce", markets: ["SA"], providers: ["infobip"])
        #expect(!again.hasChanges)
        // The next plan names the rejection as what blocks the template item, with the fix in both languages.
        let item = try #require(again.checklist.first { $0.item == "whatsapp-template-approved" })
        #expect(!item.turnsGreen && item.blockers.count == 1)
        #expect(item.blockers.first?.en.contains("shipping_update/en: Meta disagrees with the category") == true)
        #expect(item.blockers.first?.ar.contains("لا توافق Meta على الفئة") == true)
        #expect(PlanTextRenderer(language: .ar).render(again).contains("يمنعه: shipping_update/en"))
        #expect(try await harness.apply(again).ok)
        #expect(running.simulator.requests.value == requests)
    }
}

extension StepFailure {
    var isWaiting: Bool {
        if case .waiting = kind { return true }
        return false
    }
}
