import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SheenAuth
import SheenEngine
import SheenModel
import SheenPlanner
import SheenSimulator
import SheenTestSupport
import Testing

@testable import SheenProviders

@Suite("Aramex adapter and simulator over loopback HTTP")
struct AramexTests {
    static func start(faults: FaultPlan = FaultPlan()) async throws -> Simulated<AramexSimulator> {
        let simulator = try AramexSimulator(faults: Faults(faults))
        return try await .serve(simulator, simulator.router())
    }

    static func address(_ market: String, name: String) -> String? {
        CountryCode(rawValue: market).flatMap { LaunchSettings.sandboxValue(.shipFrom, market: $0) }
            .flatMap(LaunchSettings.decodeAddress).map {
                var address = $0
                address.name = name
                return LaunchSettings.encode(address)
            }
    }

    static func context(
        _ kind: String, base: String, from: String? = address("SA", name: "Warehouse"),
        to: String? = address("SA", name: "Buyer"), credentials: [String: String] = AramexSimulator.credentials,
        key: String = "label-1"
    ) -> StepContext {
        var inputs = ["markets": "SA", "project": "souq"]
        inputs["shipping.from"] = from
        inputs["shipping.to"] = to
        return StepContext(
            stepID: kind, kind: kind, provider: "aramex", environment: .dev, inputs: inputs,
            connection: "aramex/default", inputHash: "h", idempotencyKey: key, clock: SystemClock(),
            credentials: CredentialAccess(baseURL: base) { Credentials(credentials) })
    }

    static var runners: RunnerRegistry {
        var runners = RunnerRegistry()
        ProviderAdapters.register(into: &runners, catalog: ProviderFixtures.catalog)
        return runners
    }

    @Test("verify-account quotes a rate; a wrong password is Aramex's HasErrors notification, not a crash")
    func verifyAccount() async throws {
        let running = try await Self.start()
        defer { running.server.stop() }
        let runner = try #require(Self.runners.runner(for: "aramex.verify-account"))
        let quote = try await runner.create(Self.context("aramex.verify-account", base: running.base))
        #expect(quote.outputs["currency"] == "SAR" && quote.outputs["quote"]?.isEmpty == false)
        var wrong = AramexSimulator.credentials
        wrong["password"] = "not-it"
        let failure = await #expect(throws: StepFailure.self) {
            _ = try await runner.create(Self.context("aramex.verify-account", base: running.base, credentials: wrong))
        }
        #expect(failure?.message.contains("Invalid username or password (ERR01)") == true)
        #expect(failure?.message.contains("not-it") == false)
    }

    @Test(
        "test-label: a domestic and an express shipment, each label a whole PDF; observe finds the shipment and prints its label again"
    )
    func testLabel() async throws {
        let running = try await Self.start()
        defer { running.server.stop() }
        let runner = try #require(Self.runners.runner(for: "aramex.test-label"))
        let domestic = Self.context("aramex.test-label", base: running.base)
        #expect(try await runner.observe(domestic) == nil)
        let made = try await runner.create(domestic)
        let awb = try #require(made.externalID)
        #expect(made.outputs["label_url"]?.hasSuffix("/sandbox/aramex/labels/\(awb).pdf") == true)
        #expect(Int(made.outputs["label_bytes"] ?? "") ?? 0 > 300)
        #expect(try await runner.observe(domestic)?.externalID == awb)

        let express = Self.context(
            "aramex.test-label", base: running.base, to: Self.address("EG", name: "Cairo buyer"), key: "label-2")
        let sent = try await runner.create(express)
        let shipments = await running.simulator.store.read { $0.shipments }
        #expect(shipments[awb]?.ProductGroup == "DOM" && shipments[sent.externalID ?? ""]?.ProductGroup == "EXP")
        #expect(shipments.count == 2)

        let missing = await #expect(throws: StepFailure.self) {
            _ = try await runner.create(Self.context("aramex.test-label", base: running.base, to: nil, key: "x"))
        }
        #expect(missing?.message.contains("shipping.to") == true)
    }

    static func post(_ base: String, _ path: String, _ body: [String: Any]) async throws -> (Int, [String: Any]) {
        var request = HTTPClientRequest(url: base + "/ShippingAPI.V2" + path)
        request.method = .POST
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        let data = try await response.body.collect(upTo: 1 << 20)
        return (
            Int(response.status.code),
            (try? JSONSerialization.jsonObject(with: Data(data.readableBytesView))) as? [String: Any] ?? [:]
        )
    }

    static var clientInfo: [String: Any] {
        [
            "UserName": AramexSimulator.credentials["username"] ?? "",
            "Password": AramexSimulator.credentials["password"] ?? "",
            "Version": "v1.0", "AccountNumber": "20016", "AccountPin": "331421", "AccountEntity": "RUH",
            "AccountCountryCode": "SA",
        ]
    }

    static func shipment(_ change: (inout [String: Any]) -> Void) -> [String: Any] {
        let party: [String: Any] = [
            "PartyAddress": ["Line1": "King Fahd Rd", "City": "Riyadh", "CountryCode": "SA"],
            "Contact": ["PersonName": "A", "PhoneNumber1": "+966512345678"],
        ]
        var shipment: [String: Any] = [
            "Reference1": "r", "Shipper": party, "Consignee": party,
            "Details": [
                "ActualWeight": ["Value": 0.5, "Unit": "KG"], "ProductGroup": "DOM", "PaymentType": "P",
                "NumberOfPieces": 1,
            ],
        ]
        change(&shipment)
        return [
            "ClientInfo": clientInfo, "Shipments": [shipment], "LabelInfo": ["ReportID": 9201, "ReportType": "URL"],
        ]
    }

    @Test("invalid shipments are refused in Aramex's HasErrors/Notifications shape, and nothing is created")
    func refusals() async throws {
        let running = try await Self.start()
        defer { running.server.stop() }
        var badInfo = Self.shipment { _ in }
        badInfo["ClientInfo"] = ["UserName": "x"]
        var noLabel = Self.shipment { _ in }
        noLabel["LabelInfo"] = nil
        let cases: [([String: Any], String)] = [
            (badInfo, "ERR01"),
            (Self.shipment { $0["Shipper"] = ["PartyAddress": ["City": "Riyadh", "CountryCode": "SA"]] }, "ERR10"),
            (
                Self.shipment {
                    $0["Consignee"] = ["PartyAddress": ["Line1": "x", "City": "Riyadh", "CountryCode": "KSA"]]
                }, "ERR12"
            ),
            (
                Self.shipment { $0["Details"] = ["ProductGroup": "DOM", "PaymentType": "P", "NumberOfPieces": 1] },
                "ERR20"
            ),
            (
                Self.shipment {
                    $0["Details"] = [
                        "ActualWeight": ["Value": 1, "Unit": "KG"], "ProductGroup": "EXP", "PaymentType": "P",
                        "NumberOfPieces": 1,
                    ]
                }, "ERR23"
            ),
            (noLabel, "ERR30"),
        ]
        for (body, code) in cases {
            let (status, json) = try await Self.post(
                running.base, "/Shipping/Service_1_0.svc/json/CreateShipments", body)
            let notifications = json["Notifications"] as? [[String: Any]]
            #expect(status == 200 && json["HasErrors"] as? Bool == true, "\(code): \(json)")
            #expect(notifications?.first?["Code"] as? String == code && notifications?.first?["Message"] is String)
        }
        #expect(await running.simulator.store.read { $0.shipments.isEmpty })
    }

    @Test(
        "end to end: arabic-ecommerce in Egypt, addresses filled by the sandbox, through a 429 and a 5xx; a second apply calls nothing"
    )
    func endToEnd() async throws {
        let running = try await Self.start(faults: FaultPlan(rateLimited: 1, serverErrors: 1))
        defer { running.server.stop() }
        let harness = try await SandboxHarness.start()
        defer { harness.stop() }
        try await harness.connect("aramex", base: running.base, credentials: AramexSimulator.credentials)
        let plan = try await harness.plan("arabic-ecommerce", markets: ["EG"], providers: ["aramex"])
        #expect(Set(plan.steps.map(\.kind)).isSuperset(of: ["aramex.verify-account", "aramex.test-label"]))
        try await harness.launchTwice(
            "arabic-ecommerce", markets: ["EG"], providers: ["aramex"], requests: [running.simulator.requests])
        let shipment = try #require(await running.simulator.store.read { $0.shipments.values.first })
        #expect(shipment.Origin == "Cairo" && shipment.ProductGroup == "DOM")
    }
}
