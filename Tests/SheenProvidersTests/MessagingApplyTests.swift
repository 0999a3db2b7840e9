import Foundation
import SheenApplication
import SheenAuth
import SheenEngine
import SheenModel
import SheenPlanner
import SheenServer
import SheenSimulator
import SheenStore
import Testing

@Suite("Every messaging and shipping step of the MENA recipes in SA, AE and EG against the simulators")
struct MessagingApplyTests {
    static let providers: Set<String> = ["unifonic", "infobip", "resend", "aramex"]

    @Test(
        "arabic-ecommerce and service-business-mena in SA, AE and EG: every step runs, templates are reviewed, the label is a PDF; a second apply calls nothing",
        arguments: ["arabic-ecommerce", "service-business-mena"])
    func recipe(_ recipe: String) async throws {
        let harness = try await SandboxHarness.start()
        defer { harness.stop() }
        let unifonic = try UnifonicSimulator()
        let infobip = try InfobipSimulator()
        let resend = try ResendSimulator(faults: Faults(FaultPlan(requestsPerSecond: 100)))
        let aramex = try AramexSimulator()
        let servers = [
            ("unifonic", try await LoopbackServer.start(unifonic.router())),
            ("infobip", try await LoopbackServer.start(infobip.router())),
            ("resend", try await LoopbackServer.start(resend.router())),
            ("aramex", try await LoopbackServer.start(aramex.router())),
        ]
        defer { for (_, server) in servers { server.stop() } }
        for (provider, server) in servers {
            try await harness.connect(
                provider, base: "http://127.0.0.1:\(server.port)",
                credentials: Sandbox.provider(provider)?.credentials ?? [:])
        }
        let (url, _) = try await harness.connections.webhookURL(
            project: harness.project, provider: "infobip", environment: .dev,
            base: "http://127.0.0.1:\(harness.receiver.port)")
        try await infobip.store.mutate { $0.notifyURL = url }

        let markets = ["SA", "AE", "EG"]
        let plan = try await harness.plan(recipe, markets: markets, providers: Self.providers)
        let kinds = Set(plan.steps.compactMap { $0.provider == nil ? nil : $0.kind })
        #expect(kinds.contains("infobip.template-status") && kinds.contains("unifonic.test-otp"), "\(kinds)")
        let report = try await harness.apply(plan)
        #expect(report.ok, "\(recipe): \(report.failed)")
        let states = try await harness.store.steps(in: harness.scope)
        for kind in kinds {
            #expect(states.contains { $0.stepID.hasPrefix(kind) && $0.status == .succeeded }, "\(recipe): \(kind)")
        }
        #expect(await unifonic.store.read { $0.messages.count } == 1)
        #expect(await infobip.store.read { $0.templates.values.allSatisfy { $0.status == "APPROVED" } })
        if kinds.contains("aramex.test-label") {
            #expect(await aramex.store.read { $0.shipments.count } == 1)
        }

        let counters = [unifonic.requests, infobip.requests, resend.requests, aramex.requests]
        let before = counters.map(\.value)
        let again = try await harness.plan(recipe, markets: markets, providers: Self.providers)
        #expect(!again.hasChanges)
        #expect(try await harness.apply(again).ok)
        #expect(counters.map(\.value) == before, "\(recipe): a second apply called a provider")
    }
}
