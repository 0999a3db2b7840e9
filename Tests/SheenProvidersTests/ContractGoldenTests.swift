import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SheenAuth
import SheenEngine
import SheenSimulator
import Testing

/// The simulators must answer in the providers' published shapes: every field of a golden (`Fixtures/providers/`,
/// copied from the provider's API reference) is in the simulator's answer with the same JSON type, for two different
/// requests per call. A `null` in the golden accepts any value; an empty object accepts any object.
@Suite("Contract goldens: simulator answers have the providers' published shapes")
struct ContractGoldenTests {
    static let fixtures = ProviderFixtures.repository.appendingPathComponent("Fixtures/providers")

    static func golden(_ provider: String, _ name: String) throws -> Any {
        try JSONSerialization.jsonObject(
            with: Data(contentsOf: fixtures.appendingPathComponent("\(provider)/\(name).json")),
            options: [.fragmentsAllowed])
    }

    /// Where `actual` departs from `golden`'s structure, as paths; empty when it conforms.
    static func departures(_ actual: Any, from golden: Any, at path: String = "$") -> [String] {
        switch golden {
        case is NSNull:
            return []
        case let object as [String: Any]:
            guard let actual = actual as? [String: Any] else { return ["\(path): not an object"] }
            return object.keys.sorted().flatMap { key -> [String] in
                guard let value = actual[key] else { return ["\(path).\(key): missing"] }
                return departures(value, from: object[key] ?? NSNull(), at: "\(path).\(key)")
            }
        case let array as [Any]:
            guard let actual = actual as? [Any] else { return ["\(path): not an array"] }
            guard let first = array.first else { return [] }
            return actual.enumerated().flatMap { departures($1, from: first, at: "\(path)[\($0)]") }
        case let number as NSNumber:
            let isBool = Self.isBoolean(number)
            guard actual is NSNumber, !(actual is String) else { return ["\(path): not a number"] }
            return Self.isBoolean(actual) == isBool ? [] : ["\(path): \(isBool ? "not a boolean" : "a boolean")"]
        case is String:
            return actual is String ? [] : ["\(path): not a string"]
        default:
            return []
        }
    }

    /// JSON's `true` and `false` arrive as numbers of type char.
    static func isBoolean(_ value: Any) -> Bool {
        guard let number = value as? NSNumber else { return false }
        return String(cString: number.objCType) == "c"
    }

    static func call(
        _ base: String, _ method: String, _ path: String, form: [(String, String)] = []
    ) async throws -> Any {
        let (_, json, _) = try await StripeSimulatorTests.call(base, method, path, form: form)
        return json
    }

    @Test("the departure check itself catches a missing field, a wrong type and a bad array element")
    func checkerCatches() throws {
        let golden: [String: Any] = ["a": 1, "b": "x", "c": [["d": true]], "e": NSNull()]
        #expect(Self.departures(["a": 2, "b": "y", "c": [["d": false]], "e": "anything"], from: golden).isEmpty)
        #expect(Self.departures(["a": "2", "b": "y", "c": [], "e": 1], from: golden) == ["$.a: not a number"])
        #expect(
            Self.departures(["a": 1, "c": [["d": 1]], "e": 1], from: golden) == [
                "$.b: missing", "$.c[0].d: not a boolean",
            ])
    }

    @Test(
        "Stripe: webhook endpoints (created, listed) and payment intents (succeeded, declined) match the API reference")
    func stripe() async throws {
        let running = try await StripeAdapterTests.start()
        defer { running.server.stop() }
        let endpoint = try Self.golden("stripe", "webhook_endpoint")
        for (url, events) in [
            ("https://hooks.example.sa/a", ["payment_intent.succeeded"]), ("https://hooks.example.sa/b", ["*"]),
        ] {
            let created = try await Self.call(
                running.base, "POST", "/v1/webhook_endpoints",
                form: [("url", url)] + events.map { ("enabled_events[]", $0) })
            #expect(Self.departures(created, from: endpoint).isEmpty, "\(Self.departures(created, from: endpoint))")
        }
        let list = try await Self.call(running.base, "GET", "/v1/webhook_endpoints?limit=10")
        let listed = Self.departures(list, from: try Self.golden("stripe", "webhook_endpoint.list"))
        #expect(listed.isEmpty, "\(listed)")
        #expect(((list as? [String: Any])?["data"] as? [[String: Any]])?.allSatisfy { $0["secret"] == nil } == true)

        let intent = try Self.golden("stripe", "payment_intent")
        let created = try await Self.call(
            running.base, "POST", "/v1/payment_intents", form: StripeSimulatorTests.payment)
        #expect(Self.departures(created, from: intent).isEmpty, "\(Self.departures(created, from: intent))")
        let id = try #require((created as? [String: Any])?["id"] as? String)
        let unconfirmed = try await Self.call(
            running.base, "POST", "/v1/payment_intents", form: [("amount", "1000"), ("currency", "kwd")])
        #expect(Self.departures(unconfirmed, from: intent).isEmpty, "\(Self.departures(unconfirmed, from: intent))")
        let retrieved = try await Self.call(running.base, "GET", "/v1/payment_intents/\(id)")
        #expect(Self.departures(retrieved, from: intent).isEmpty)
    }
}

extension ContractGoldenTests {
    /// `departures` of `actual` from the golden `provider/name`, recorded as a test issue; `label` names the case.
    static func conforms(_ actual: Any?, to provider: String, _ name: String, _ label: String) throws {
        let golden = try golden(provider, name)
        guard let actual else {
            Issue.record("\(label): no body to compare with \(provider)/\(name)")
            return
        }
        let found = departures(actual, from: golden)
        #expect(found.isEmpty, "\(label) vs \(provider)/\(name): \(found)")
    }

    @Test(
        "Tap: charge requests as sent carry the documented fields; SAR and KWD charges, retrieved and delivered, match the published charge; refusals match its error"
    )
    func tap() async throws {
        let simulator = try TapSimulator(completeAfter: .milliseconds(50))
        let running = try await Simulated.serve(simulator, simulator.router())
        defer { running.server.stop() }
        let wire = try await RecordingProxy.start(forwardingTo: running.base)
        defer { wire.stop() }
        let hooks = try await RecordingProxy.start(forwardingTo: nil)
        defer { hooks.stop() }
        let runner = try #require(TapTests.runners.runner(for: "tap.test-charge"))
        var ids: [String] = []
        for market in ["SA", "KW"] {
            var context = TapTests.context(
                "tap.test-charge", base: wire.base, markets: market, idempotencyKey: "golden-\(market)")
            context.inputs["webhook_url"] = hooks.base + "/v1/webhooks/tap/default"
            ids.append(try #require(try await runner.create(context).externalID))
        }
        let sent = wire.requests.filter { $0.method == "POST" && $0.path == "/v2/charges" }
        #expect(sent.count == 2)
        for request in sent { try Self.conforms(request.json, to: "tap", "charge.request", "sent charge") }

        for id in ids {
            let (status, charge) = try await FaultTests.get(
                running.base + "/v2/charges/\(id)", key: TapSimulator.secretKey)
            #expect(status == 200)
            try Self.conforms(charge, to: "tap", "charge.captured", "retrieved \(id)")
        }
        for _ in 0..<100 where hooks.requests.count < 2 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(hooks.requests.count == 2)
        for delivery in hooks.requests {
            try Self.conforms(delivery.json, to: "tap", "charge.captured", "delivered")
            #expect(delivery.headers["hashstring"]?.count == 64)
        }

        let (missing, notFound) = try await FaultTests.get(
            running.base + "/v2/charges/chg_missing", key: TapSimulator.secretKey)
        #expect(missing == 404)
        try Self.conforms(notFound, to: "tap", "error", "not found")
        let (refused, unauthorized) = try await FaultTests.get(
            running.base + "/v2/charges/\(ids[0])", key: "sk_live_0123456789abcdef")
        #expect(refused == 401)
        try Self.conforms(unauthorized, to: "tap", "error", "live key")
    }
}

extension ContractGoldenTests {
    @Test(
        "Paymob: intention requests as sent match the SDK's example; the signed callbacks of two payments match the published transaction"
    )
    func paymob() async throws {
        let running = try await PaymobTests.start()
        defer { running.server.stop() }
        let wire = try await RecordingProxy.start(forwardingTo: running.base)
        defer { wire.stop() }
        let hooks = try await RecordingProxy.start(forwardingTo: nil)
        defer { hooks.stop() }
        let runner = try #require(PaymobTests.runners.runner(for: "paymob.test-intention"))
        for key in ["golden-1", "golden-2"] {
            var context = PaymobTests.context("paymob.test-intention", base: wire.base, idempotencyKey: key)
            context.inputs["webhook_url"] = hooks.base + "/v1/webhooks/paymob/default"
            _ = try await runner.create(context)
        }
        let sent = wire.requests.filter { $0.method == "POST" && $0.path.hasPrefix("/v1/intention") }
        #expect(sent.count == 2)
        for request in sent { try Self.conforms(request.json, to: "paymob", "intention.request", "sent intention") }
        for _ in 0..<100 where hooks.requests.count < 2 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(hooks.requests.count == 2)
        for delivery in hooks.requests {
            try Self.conforms(delivery.json, to: "paymob", "transaction.callback", "delivered callback")
        }
    }

    @Test("Tabby: webhook registrations as sent, for two connections, match the documented body")
    func tabby() async throws {
        let running = try await TabbyTests.start()
        defer { running.server.stop() }
        let wire = try await RecordingProxy.start(forwardingTo: running.base)
        defer { wire.stop() }
        let runner = try #require(TabbyTests.runners.runner(for: "tabby.register-webhook"))
        for connection in ["default", "second"] {
            var context = TabbyTests.context(
                "tabby.register-webhook", base: wire.base, saved: StripeAdapterTests.Saved())
            context.inputs["webhook_url"] = "https://hooks.example.sa/v1/webhooks/tabby/\(connection)"
            _ = try await runner.create(context)
        }
        let sent = wire.requests.filter { $0.method == "POST" && $0.path == "/api/v1/webhooks" }
        #expect(sent.count == 2)
        for request in sent {
            try Self.conforms(request.json, to: "tabby", "webhook.request", "sent registration")
            #expect(request.headers["x-merchant-code"] == TabbySimulator.merchantCode)
        }
    }
}

extension ContractGoldenTests {
    /// The parameter names of a golden form (`name=value` per line).
    static func formNames(_ provider: String, _ name: String) throws -> Set<String> {
        let text = try String(contentsOf: fixtures.appendingPathComponent("\(provider)/\(name).txt"), encoding: .utf8)
        return Set(text.split(separator: "\n").compactMap { $0.split(separator: "=").first.map(String.init) })
    }

    /// The parameter names of a form-encoded body, decoded.
    static func formNames(of body: Data) -> Set<String> {
        Set(
            String(decoding: body, as: UTF8.self).split(separator: "&").compactMap {
                $0.split(separator: "=").first.flatMap { String($0).removingPercentEncoding }
            })
    }

    @Test("Stripe: webhook endpoint and payment requests as sent carry the API reference's parameters, form-encoded")
    func stripeRequests() async throws {
        let running = try await StripeAdapterTests.start()
        defer { running.server.stop() }
        let wire = try await RecordingProxy.start(forwardingTo: running.base)
        defer { wire.stop() }
        for (index, market) in ["AE", "KW"].enumerated() {
            let inputs = ["markets": market, "webhook_url": "https://hooks.example.sa/v1/webhooks/stripe/\(index)"]
            _ = try await StripeAdapterTests.runner("stripe.webhook-endpoint").create(
                StripeAdapterTests.context(
                    "stripe.webhook-endpoint", base: wire.base, inputs: inputs, idempotencyKey: "hook-\(index)"))
            _ = try await StripeAdapterTests.runner("stripe.test-payment").create(
                StripeAdapterTests.context(
                    "stripe.test-payment", base: wire.base, inputs: inputs, idempotencyKey: "pay-\(index)"))
        }
        let endpoints = wire.requests.filter { $0.method == "POST" && $0.path == "/v1/webhook_endpoints" }
        let payments = wire.requests.filter { $0.method == "POST" && $0.path == "/v1/payment_intents" }
        #expect(endpoints.count == 2 && payments.count == 2)
        let endpointNames = try Self.formNames("stripe", "webhook_endpoint.request")
        let paymentNames = try Self.formNames("stripe", "payment_intent.request")
        for request in endpoints + payments {
            #expect(request.headers["content-type"] == "application/x-www-form-urlencoded")
        }
        for request in endpoints {
            #expect(
                endpointNames.subtracting(Self.formNames(of: request.body)).isEmpty,
                "\(Self.formNames(of: request.body))")
        }
        for request in payments {
            #expect(
                paymentNames.subtracting(Self.formNames(of: request.body)).isEmpty,
                "\(Self.formNames(of: request.body))")
            #expect(request.headers["idempotency-key"]?.isEmpty == false)
        }
    }
}

extension ContractGoldenTests {
    @Test("Unifonic: sends as recorded on the wire carry the documented form fields; every answer has the envelope")
    func unifonic() async throws {
        let running = try await UnifonicTests.start()
        defer { running.server.stop() }
        let wire = try await RecordingProxy.start(forwardingTo: running.base)
        defer { wire.stop() }
        let runners = UnifonicTests.runners
        _ = try await runners.runner(for: "unifonic.verify-app")?.create(
            UnifonicTests.context("unifonic.verify-app", base: wire.base))
        _ = try await runners.runner(for: "unifonic.verify-sender")?.create(
            UnifonicTests.context("unifonic.verify-sender", base: wire.base))
        for (index, phone) in ["+966512345678", "+966551234567"].enumerated() {
            _ = try await runners.runner(for: "unifonic.test-otp")?.create(
                UnifonicTests.context("unifonic.test-otp", base: wire.base, phone: phone, key: "golden-\(index)"))
        }
        let sends = wire.requests.filter { $0.path == "/rest/SMS/messages" }
        #expect(sends.count == 2)
        let names = try Self.formNames("unifonic", "message.request")
        for send in sends {
            #expect(names.subtracting(Self.formNames(of: send.body)).isEmpty, "\(Self.formNames(of: send.body))")
            #expect(send.headers["content-type"] == "application/x-www-form-urlencoded")
        }
        // Every answer, whatever the call, in the documented envelope.
        for request in wire.requests {
            let (_, answer) = try await UnifonicTests.post(
                running.base, request.path,
                FormText(String(decoding: request.body, as: UTF8.self)).pairs)
            try Self.conforms(answer, to: "unifonic", "message", request.path)
        }
    }
}

/// A recorded form body, back as pairs.
struct FormText {
    let pairs: [(String, String)]

    init(_ text: String) {
        pairs = text.split(separator: "&").map { part in
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (value: Substring) in
                value.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(value)
            }
            return (decode(pieces[0]), pieces.count > 1 ? decode(pieces[1]) : "")
        }
    }
}

extension ContractGoldenTests {
    @Test("Resend: domain and webhook requests as sent, and the simulator's answers, match the SDK's examples")
    func resend() async throws {
        let running = try await ResendTests.start()
        defer { running.server.stop() }
        let wire = try await RecordingProxy.start(forwardingTo: running.base)
        defer { wire.stop() }
        let runners = ResendTests.runners
        for (index, domain) in ["souq.test", "dukkan.test"].enumerated() {
            var hook = ResendTests.context("resend.webhook", base: wire.base)
            hook.inputs["webhook_url"] = "https://hooks.example.sa/v1/webhooks/resend/\(index)"
            _ = try await runners.runner(for: "resend.webhook")?.create(hook)
            _ = try await runners.runner(for: "resend.domain")?.create(
                ResendTests.context("resend.domain", base: wire.base, domain: domain))
        }
        let domains = wire.requests.filter { $0.method == "POST" && $0.path == "/domains" }
        let webhooks = wire.requests.filter { $0.method == "POST" && $0.path == "/webhooks" }
        #expect(domains.count == 2 && webhooks.count == 2)
        for request in domains { try Self.conforms(request.json, to: "resend", "domain.request", "sent domain") }
        for request in webhooks { try Self.conforms(request.json, to: "resend", "webhook.request", "sent webhook") }

        for name in ["alpha.test", "beta.test"] {
            let (status, answer, _) = try await ResendTests.send(
                running.base, .POST, "/domains", #"{"name":"\#(name)","region":"eu-west-1"}"#)
            #expect(status == 201)
            try Self.conforms(answer, to: "resend", "domain", name)
        }
        for endpoint in ["https://a.example/hook", "https://b.example/hook"] {
            let (_, answer, _) = try await ResendTests.send(
                running.base, .POST, "/webhooks", #"{"endpoint":"\#(endpoint)","events":["email.sent"]}"#)
            try Self.conforms(answer, to: "resend", "webhook", endpoint)
        }
        let (_, refused, _) = try await ResendTests.send(running.base, .POST, "/domains", "{}")
        try Self.conforms(refused, to: "resend", "error", "refusal")
    }
}

extension ContractGoldenTests {
    @Test("Aramex: shipments as sent match the community sample; the simulator's answers have the clients' shape")
    func aramex() async throws {
        let running = try await AramexTests.start()
        defer { running.server.stop() }
        let wire = try await RecordingProxy.start(forwardingTo: running.base)
        defer { wire.stop() }
        let runner = try #require(AramexTests.runners.runner(for: "aramex.test-label"))
        for (index, market) in ["SA", "EG"].enumerated() {
            _ = try await runner.create(
                AramexTests.context(
                    "aramex.test-label", base: wire.base, to: AramexTests.address(market, name: "Buyer"),
                    key: "golden-\(index)"))
        }
        let sent = wire.requests.filter { $0.path.hasSuffix("/CreateShipments") }
        #expect(sent.count == 2)
        for request in sent { try Self.conforms(request.json, to: "aramex", "shipment.request", "sent shipment") }
        for request in sent {
            let (_, answer) = try await AramexTests.post(
                running.base, "/Shipping/Service_1_0.svc/json/CreateShipments", request.json as? [String: Any] ?? [:])
            try Self.conforms(answer, to: "aramex", "shipment", "answer")
        }
    }
}

extension ContractGoldenTests {
    @Test(
        "Infobip: submissions as sent, templates, listings, refusals and review notifications match the client's models"
    )
    func infobip() async throws {
        let hooks = try await RecordingProxy.start(forwardingTo: nil)
        defer { hooks.stop() }
        let running = try await InfobipTests.start(
            faults: FaultPlan(rejections: ["shipping_update": "INVALID_FORMAT"]), reviewAfter: .milliseconds(50),
            notifyURL: hooks.base + "/v1/webhooks/infobip/default?token=t")
        defer { running.server.stop() }
        let wire = try await RecordingProxy.start(forwardingTo: running.base)
        defer { wire.stop() }
        _ = try await InfobipTests.runners().runner(for: "infobip.submit-templates")?.create(
            InfobipTests.context("infobip.submit-templates", base: wire.base))
        let sent = wire.requests.filter { $0.method == "POST" }
        #expect(sent.count == 4)
        for request in sent { try Self.conforms(request.json, to: "infobip", "template.request", "sent template") }

        for name in ["golden_one", "golden_two"] {
            let (status, answer) = try await InfobipTests.submit(
                running.base,
                InfobipTests.template { template, _ in template["name"] = name })
            #expect(status == 201)
            try Self.conforms(answer, to: "infobip", "template", name)
        }
        let (_, refused) = try await InfobipTests.submit(
            running.base, InfobipTests.template { t, _ in t["name"] = "Bad" })
        try Self.conforms(refused, to: "infobip", "error", "refusal")

        try await Task.sleep(for: .milliseconds(100))
        var listing = HTTPClientRequest(url: running.base + "/whatsapp/2/senders/\(InfobipSimulator.sender)/templates")
        listing.headers.add(name: "Authorization", value: "App \(InfobipSimulator.apiKey)")
        let answer = try await HTTPClient.shared.execute(listing, timeout: .seconds(5))
        let listed = try JSONSerialization.jsonObject(
            with: Data(try await answer.body.collect(upTo: 1 << 20).readableBytesView))
        try Self.conforms(listed, to: "infobip", "templates", "listing")
        for _ in 0..<100 where hooks.requests.count < 6 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(hooks.requests.count == 6)
        for delivery in hooks.requests {
            try Self.conforms(delivery.json, to: "infobip", "template-status-push", "notification")
        }
        #expect(
            hooks.requests.contains {
                ($0.json as? [String: Any]).flatMap { $0["change"] as? [String: Any] }?["reason"] as? String
                    == "INVALID_FORMAT"
            })
    }
}
