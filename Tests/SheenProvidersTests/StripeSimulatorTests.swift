import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SheenAuth
import SheenProviders
import SheenSimulator
import Testing

@Suite("Stripe simulator: Stripe's validation and error bodies, idempotency, faults, persistence")
struct StripeSimulatorTests {
    static func call(
        _ base: String, _ method: String, _ path: String, form: [(String, String)] = [],
        key: String? = StripeSimulator.secretKey, idempotencyKey: String? = nil
    ) async throws -> (Int, [String: Any], [String: String]) {
        var request = HTTPClientRequest(url: base + path)
        request.method = .init(rawValue: method)
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        if let idempotencyKey { request.headers.add(name: "Idempotency-Key", value: idempotencyKey) }
        if !form.isEmpty {
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: FormEncoding.encode(form)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        var headers: [String: String] = [:]
        for field in response.headers { headers[field.name.lowercased()] = field.value }
        let json = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
        return (Int(response.status.code), json, headers)
    }

    static let payment: [(String, String)] = [
        ("amount", "100"), ("currency", "aed"), ("payment_method", "pm_card_visa"), ("confirm", "true"),
        ("automatic_payment_methods[enabled]", "true"), ("automatic_payment_methods[allow_redirects]", "never"),
    ]

    static func replacing(_ name: String, with value: String?) -> [(String, String)] {
        var form = payment.filter { $0.0 != name }
        if let value { form.append((name, value)) }
        return form
    }

    /// Invalid requests and the error Stripe answers each with: (path, form, key, status, type, code, param).
    static let invalid: [(String, String, [(String, String)], String?, Int, String, String?, String?)] = [
        ("POST", "/v1/payment_intents", payment, nil, 401, "invalid_request_error", nil, nil),
        ("POST", "/v1/payment_intents", payment, "sk_live_0123456789abcdef", 401, "invalid_request_error", nil, nil),
        (
            "POST", "/v1/payment_intents", replacing("amount", with: nil), StripeSimulator.secretKey, 400,
            "invalid_request_error", "parameter_missing", "amount"
        ),
        (
            "POST", "/v1/payment_intents", replacing("amount", with: "ten"), StripeSimulator.secretKey, 400,
            "invalid_request_error", "parameter_invalid_integer", "amount"
        ),
        (
            "POST", "/v1/payment_intents", replacing("currency", with: nil), StripeSimulator.secretKey, 400,
            "invalid_request_error", "parameter_missing", "currency"
        ),
        (
            "POST", "/v1/payment_intents", replacing("currency", with: "xyz"), StripeSimulator.secretKey, 400,
            "invalid_request_error", "parameter_invalid_string", "currency"
        ),
        (
            "POST", "/v1/payment_intents",
            replacing("currency", with: "kwd").filter { $0.0 != "amount" } + [("amount", "1005")],
            StripeSimulator.secretKey, 400, "invalid_request_error", "parameter_invalid_integer", "amount"
        ),
        (
            "POST", "/v1/payment_intents", replacing("payment_method", with: "pm_made_up"), StripeSimulator.secretKey,
            404, "invalid_request_error", "resource_missing", "payment_method"
        ),
        (
            "POST", "/v1/payment_intents", replacing("automatic_payment_methods[allow_redirects]", with: nil),
            StripeSimulator.secretKey, 400, "invalid_request_error", "parameter_missing", "return_url"
        ),
        (
            "POST", "/v1/payment_intents", replacing("payment_method", with: "pm_card_chargeDeclined"),
            StripeSimulator.secretKey, 402, "card_error", "card_declined", nil
        ),
        (
            "GET", "/v1/payment_intents/pi_missing", [], StripeSimulator.secretKey, 404, "invalid_request_error",
            "resource_missing", "id"
        ),
        (
            "POST", "/v1/webhook_endpoints", [("enabled_events[]", "*")], StripeSimulator.secretKey, 400,
            "invalid_request_error", "parameter_missing", "url"
        ),
        (
            "POST", "/v1/webhook_endpoints", [("url", "not a url"), ("enabled_events[]", "*")],
            StripeSimulator.secretKey, 400, "invalid_request_error", "url_invalid", "url"
        ),
        (
            "POST", "/v1/webhook_endpoints", [("url", "https://hooks.example.sa/x")], StripeSimulator.secretKey, 400,
            "invalid_request_error", "parameter_missing", "enabled_events"
        ),
        (
            "POST", "/v1/webhook_endpoints/we_missing", [("url", "https://hooks.example.sa/x")],
            StripeSimulator.secretKey, 404, "invalid_request_error", "resource_missing", "id"
        ),
        (
            "DELETE", "/v1/webhook_endpoints/we_missing", [], StripeSimulator.secretKey, 404, "invalid_request_error",
            "resource_missing", "id"
        ),
        (
            "GET", "/v1/webhook_endpoints?limit=0", [], StripeSimulator.secretKey, 400, "invalid_request_error",
            "parameter_invalid_integer", "limit"
        ),
        ("GET", "/v1/account", [], "sk_test_short", 401, "invalid_request_error", nil, nil),
    ]

    @Test("each invalid request is refused with Stripe's status and error body, and changes nothing")
    func invalidRequests() async throws {
        let running = try await StripeAdapterTests.start()
        defer { running.server.stop() }
        for (method, path, form, key, status, type, code, param) in Self.invalid {
            let (answered, json, _) = try await Self.call(running.base, method, path, form: form, key: key)
            let error = json["error"] as? [String: Any]
            #expect(answered == status, "\(method) \(path) \(form)")
            #expect(error?["type"] as? String == type, "\(method) \(path)")
            #expect(error?["code"] as? String == code, "\(method) \(path) \(form)")
            #expect(error?["param"] as? String == param, "\(method) \(path) \(form)")
            #expect((error?["message"] as? String)?.isEmpty == false)
        }
        // Only the declined card left a trace: a failed PaymentIntent, as Stripe keeps one.
        let kinds = await running.simulator.store.read { $0.ledger.map(\.kind) }
        #expect(kinds == ["payment_intent.created", "payment_intent.payment_failed"])
    }

    @Test("the same Idempotency-Key replays the first answer; with other parameters it is Stripe's idempotency_error")
    func idempotency() async throws {
        let running = try await StripeAdapterTests.start()
        defer { running.server.stop() }
        let (first, created, _) = try await Self.call(
            running.base, "POST", "/v1/payment_intents", form: Self.payment, idempotencyKey: "k1")
        let (again, replayed, headers) = try await Self.call(
            running.base, "POST", "/v1/payment_intents", form: Self.payment, idempotencyKey: "k1")
        #expect(first == 200 && again == 200)
        #expect(replayed["id"] as? String == created["id"] as? String && headers["idempotent-replayed"] == "true")
        let (other, error, _) = try await Self.call(
            running.base, "POST", "/v1/payment_intents", form: Self.replacing("amount", with: "200"),
            idempotencyKey: "k1")
        #expect(other == 400 && (error["error"] as? [String: Any])?["type"] as? String == "idempotency_error")
        #expect(await running.simulator.store.read { $0.intents.count } == 1)
    }

    @Test("a 429 storm and a 5xx burst answer with Stripe's bodies, then the simulator serves again")
    func faults() async throws {
        let running = try await StripeAdapterTests.start(faults: FaultPlan(rateLimited: 2, serverErrors: 1))
        defer { running.server.stop() }
        let (a, limited, _) = try await Self.call(running.base, "GET", "/v1/account")
        let (b, _, _) = try await Self.call(running.base, "GET", "/v1/account")
        let (c, failed, headers) = try await Self.call(running.base, "GET", "/v1/account")
        let (d, account, _) = try await Self.call(running.base, "GET", "/v1/account")
        #expect(a == 429 && b == 429 && c == 500 && d == 200)
        #expect((limited["error"] as? [String: Any])?["code"] as? String == "rate_limit")
        #expect(
            (failed["error"] as? [String: Any])?["type"] as? String == "api_error"
                && headers["stripe-should-retry"] == "true")
        #expect(account["object"] as? String == "account")
    }

    @Test("state survives a restart from its file: objects, replays and the ledger")
    func persistence() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("stripe-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let first = try await StripeAdapterTests.start(stateFile: file)
        let (_, created, _) = try await Self.call(
            first.base, "POST", "/v1/payment_intents", form: Self.payment, idempotencyKey: "k9")
        first.server.stop()
        let second = try await StripeAdapterTests.start(stateFile: file)
        defer { second.server.stop() }
        let (_, replayed, headers) = try await Self.call(
            second.base, "POST", "/v1/payment_intents", form: Self.payment, idempotencyKey: "k9")
        #expect(replayed["id"] as? String == created["id"] as? String && headers["idempotent-replayed"] == "true")
        #expect(await second.simulator.store.read { $0.ledger.count } == 2)
    }
}
