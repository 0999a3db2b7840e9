import Foundation
import SheenEngine
import SheenModel
import SheenTestSupport
import Testing

@testable import SheenApplication

@Suite("Recipe-level runners: the domain check and the webhook receiver")
struct RecipeRunnerTests {
    static func context(_ kind: String, _ inputs: [String: String]) -> StepContext {
        StepContext(
            stepID: kind, kind: kind, provider: nil, environment: .dev, inputs: inputs, inputHash: "h",
            idempotencyKey: "k", clock: MockClock())
    }

    @Test("a domain that resolves passes with its addresses; one that does not waits on DNS; none has nothing to check")
    func domain() async throws {
        let runner = DomainRunner(resolve: { $0 == "shop.example.sa" ? ["192.0.2.7"] : [] })
        let found = try await runner.create(Self.context("recipe.domain", ["domain": "shop.example.sa"]))
        #expect(found.outputs["addresses"] == "192.0.2.7" && found.outputs["status"] == "resolves")
        let failure = await #expect(throws: StepFailure.self) {
            _ = try await runner.create(Self.context("recipe.domain", ["domain": "new.example.sa"]))
        }
        guard case .waiting(let next) = failure?.kind else {
            Issue.record("expected waiting, got \(String(describing: failure))")
            return
        }
        #expect(next.contains("new.example.sa") && failure?.isRetryable == false)
        #expect(try await runner.create(Self.context("recipe.domain", [:])).outputs["status"] == "not-set")
        // The real resolver answers for this machine's own name.
        #expect(!(await DomainRunner.systemResolve("localhost")).isEmpty)
    }

    @Test("the receiver step outputs the public URL's webhook base, and without one says what to set")
    func receiver() async throws {
        let result = try await WebhookReceiverRunner().create(
            Self.context("recipe.webhook-receiver", ["public_url": "https://hooks.example.sa"]))
        #expect(result.outputs["url"] == "https://hooks.example.sa/v1/webhooks")
        let failure = await #expect(throws: StepFailure.self) {
            _ = try await WebhookReceiverRunner().create(Self.context("recipe.webhook-receiver", [:]))
        }
        #expect(failure?.message.contains("webhooks.public_url") == true)
    }
}
