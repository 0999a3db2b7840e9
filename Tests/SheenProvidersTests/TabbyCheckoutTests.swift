import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SheenAuth
import SheenEngine
import SheenModel
import SheenSimulator
import Testing

@testable import SheenProviders

@Suite("Tabby checkout, authorization and capture: adapter and simulator over loopback HTTP")
struct TabbyCheckoutTests {
    static func start(completeAfter: Duration = .milliseconds(100)) async throws -> Simulated<TabbySimulator> {
        let simulator = try TabbySimulator(completeAfter: completeAfter)
        return try await .serve(simulator, simulator.router())
    }

    static func context(base: String, markets: String, key: String) -> StepContext {
        var context = TabbyTests.context("tabby.test-checkout", base: base, saved: StripeAdapterTests.Saved())
        context.inputs["markets"] = markets
        context.idempotencyKey = key
        return context
    }

    static func send(
        _ base: String, _ method: HTTPMethod, _ path: String, _ body: [String: Any]? = nil
    ) async throws -> (Int, [String: Any]) {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(TabbySimulator.secretKey)")
        if let body { request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body))) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        let data = try await response.body.collect(upTo: 1 << 20)
        return (
            Int(response.status.code),
            (try? JSONSerialization.jsonObject(with: Data(data.readableBytesView))) as? [String: Any] ?? [:]
        )
    }

    @Test(
        "a SAR and a KWD checkout are authorized by the sandbox, captured in full and closed; observe finds each, nothing is captured twice"
    )
    func checkoutAndCapture() async throws {
        let running = try await Self.start()
        defer { running.server.stop() }
        let runner = try #require(TabbyTests.runners.runner(for: "tabby.test-checkout"))
        for (market, currency, amount) in [("SA", "SAR", "1.00"), ("KW", "KWD", "1.000")] {
            let context = Self.context(base: running.base, markets: market, key: "checkout-\(market)")
            let result = try await runner.create(context)
            #expect(result.outputs["status"] == "CLOSED", "\(market)")
            #expect(result.outputs["currency"] == currency && result.outputs["amount"] == amount, "\(market)")
            let observed = try await runner.observe(context)
            #expect(observed?.externalID == result.externalID && observed?.outputs["status"] == "CLOSED")
        }
        let kinds = await running.simulator.store.read { $0.ledger.map(\.kind) }
        #expect(kinds.count { $0 == "checkout.created" } == 2)
        #expect(kinds.count { $0 == "payment.authorized" } == 2)
        #expect(kinds.count { $0 == "payment.captured" } == 2 && kinds.count { $0 == "payment.closed" } == 2)
    }

    @Test("a buyer who declines on the page ends the step REJECTED; an unvisited page ends it waiting with its URL")
    func declinedAndWaiting() async throws {
        let running = try await Self.start(completeAfter: .seconds(3600))
        defer { running.server.stop() }
        var runner = TabbyTestCheckoutRunner(currencies: [CurrencyCode(rawValue: "SAR")!])
        runner.budget = .milliseconds(200)
        runner.interval = .milliseconds(100)
        let context = Self.context(base: running.base, markets: "SA", key: "declined")
        let waiting = await #expect(throws: StepFailure.self) { _ = try await runner.create(context) }
        let url = try #require(waiting?.waitingURL)
        #expect(url.contains("/sandbox/tabby/pay/"))
        _ = try await HTTPClient.shared.execute(HTTPClientRequest(url: url + "?outcome=reject"), timeout: .seconds(5))
        let failure = await #expect(throws: StepFailure.self) { _ = try await runner.observe(context) }
        #expect(failure?.message.contains("ended REJECTED") == true)
        #expect(await running.simulator.store.read { $0.ledger.map(\.kind) }.contains("payment.captured") == false)
    }

    static var session: [String: Any] {
        [
            "payment": [
                "amount": "100.00", "currency": "AED",
                "buyer": ["name": "A", "email": "otp.success@tabby.ai", "phone": "500000001"],
                "order": ["reference_id": "order-1"],
            ],
            "lang": "en", "merchant_code": TabbySimulator.merchantCode,
            "merchant_urls": ["success": "https://shop.example/ok"],
        ]
    }

    static func session(_ change: (inout [String: Any], inout [String: Any]) -> Void) -> [String: Any] {
        var body = session
        var payment = body["payment"] as? [String: Any] ?? [:]
        change(&body, &payment)
        body["payment"] = payment
        return body
    }

    @Test("the simulator refuses bad sessions and captures in Tabby's error shape; the rejected test buyer is rejected")
    func refusals() async throws {
        let running = try await Self.start(completeAfter: .zero)
        defer { running.server.stop() }
        let invalid: [[String: Any]] = [
            Self.session { _, payment in payment["currency"] = "USD" },
            Self.session { _, payment in payment["amount"] = "1.005" },
            Self.session { _, payment in payment["amount"] = 100 },
            Self.session { _, payment in payment["buyer"] = ["name": "A"] },
            Self.session { _, payment in payment["order"] = [:] },
            Self.session { body, _ in body["lang"] = "fr" },
            Self.session { body, _ in body["merchant_urls"] = nil },
        ]
        for body in invalid {
            let (status, json) = try await Self.send(running.base, .POST, "/api/v2/checkout", body)
            #expect(status == 400 && json["errorType"] as? String == "bad_data", "\(body)")
        }
        let (_, rejected) = try await Self.send(
            running.base, .POST, "/api/v2/checkout",
            Self.session { _, payment in
                payment["buyer"] = ["name": "A", "email": "otp.rejected@tabby.ai", "phone": "500000002"]
            })
        #expect(rejected["status"] as? String == "rejected")

        let (_, created) = try await Self.send(running.base, .POST, "/api/v2/checkout", Self.session)
        let id = try #require((created["payment"] as? [String: Any])?["id"] as? String)
        let captures: [([String: Any], Int)] = [
            (["amount": "100.00"], 400), (["reference_id": "c1"], 400),
            (["amount": "200.00", "reference_id": "c1"], 400),
            (["amount": "60.00", "reference_id": "c1"], 200), (["amount": "60.00", "reference_id": "c1"], 200),
            (["amount": "60.00", "reference_id": "c2"], 400), (["amount": "40.00", "reference_id": "c3"], 200),
        ]
        for (body, status) in captures {
            let (answered, json) = try await Self.send(running.base, .POST, "/api/v2/payments/\(id)/captures", body)
            #expect(answered == status, "\(body): \(json)")
        }
        let (_, payment) = try await Self.send(running.base, .GET, "/api/v2/payments/\(id)")
        #expect(payment["status"] as? String == "CLOSED" && (payment["captures"] as? [Any])?.count == 2)
        let (missing, _) = try await Self.send(running.base, .GET, "/api/v2/payments/nope")
        #expect(missing == 404)
    }
}
