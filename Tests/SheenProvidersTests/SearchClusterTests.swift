import Foundation
import SheenAuth
import SheenEngine
import SheenModel
import SheenTestSupport
import Testing

@testable import SheenProviders
@testable import SheenSimulator

@Suite("Arabic search on an OpenSearch cluster: adapter and simulator over loopback HTTP")
struct SearchClusterTests {
    static func context(_ kind: String, base: String, password: String = SearchClusterSimulator.password) -> StepContext
    {
        StepContext(
            stepID: kind, kind: kind, provider: "arabic-search", environment: .dev,
            inputs: ["markets": "SA", "project": "Souq_Online"], connection: "arabic-search/default", inputHash: "h",
            idempotencyKey: "k", clock: SystemClock(),
            credentials: CredentialAccess(baseURL: base) {
                Credentials([
                    "endpoint": "https://search.example.com", "username": SearchClusterSimulator.username,
                    "password": password,
                ])
            })
    }

    static var runners: RunnerRegistry {
        var runners = RunnerRegistry()
        ProviderAdapters.register(into: &runners, catalog: ProviderFixtures.catalog)
        return runners
    }

    @Test("the simulator's analyzer gives Lucene's answer for every one of Lucene's normalisation and stemming cases")
    func luceneCases() throws {
        struct Vectors: Decodable {
            struct Case: Decodable {
                var test: String
                var input: String
                var expected: String
            }
            var normalization: [Case]
            var stemming: [Case]
        }
        let file = try #require(
            Bundle.module.url(forResource: "Vectors/arabic_normalization_lucene", withExtension: "json"))
        let vectors = try JSONDecoder().decode(Vectors.self, from: Data(contentsOf: file))
        for vector in vectors.normalization {
            #expect(LuceneArabic.normalize(vector.input) == vector.expected, "\(vector.test)")
        }
        for vector in vectors.stemming {
            #expect(LuceneArabic.stem(vector.input) == vector.expected, "\(vector.test)")
        }
        #expect(LuceneArabic.analyze("الْكِتَابُ في المكتبة ١٢٣") == ["كتاب", "مكتب", "123"])
    }

    @Test(
        "the index is created once with the arabic analyzer, checked by analyzing Lucene's word, found again, and deleted; a wrong password is refused"
    )
    func index() async throws {
        let (server, ledger, _) = try await Sandbox.simulate("arabic-search")
        defer { server.stop() }
        let base = "http://127.0.0.1:\(server.port)"
        let verify = try #require(Self.runners.runner(for: "arabic-search.verify-cluster"))
        #expect(
            try await verify.create(Self.context("arabic-search.verify-cluster", base: base)).outputs["distribution"]
                == "opensearch")
        let denied = await #expect(throws: StepFailure.self) {
            _ = try await verify.create(Self.context("arabic-search.verify-cluster", base: base, password: "leaked"))
        }
        #expect(denied?.message.contains("Unauthorized (security_exception)") == true)
        #expect(denied?.message.contains("leaked") == false)

        let runner = try #require(Self.runners.runner(for: "arabic-search.index"))
        let context = Self.context("arabic-search.index", base: base)
        #expect(try await runner.observe(context) == nil)
        let made = try await runner.create(context)
        #expect(made.outputs["index_name"] == "souq-online-search")
        #expect(try await runner.create(context) == made)
        #expect(try await runner.observe(context) == made)
        var deleting = context
        deleting.externalID = made.externalID
        try await runner.delete(deleting)
        try await runner.delete(deleting)
        #expect(try await runner.observe(context) == nil)
        #expect(await ledger().map(\.kind) == ["index.created", "index.deleted"])
    }

    @Test("end to end: arabic-ecommerce in Saudi Arabia creates its search index through a 429 and a 5xx")
    func endToEnd() async throws {
        let harness = try await SandboxHarness.start()
        defer { harness.stop() }
        let (server, _, requests) = try await Sandbox.simulate(
            "arabic-search", faults: Faults(FaultPlan(rateLimited: 1, serverErrors: 1)))
        defer { server.stop() }
        try await harness.connect(
            "arabic-search", base: "http://127.0.0.1:\(server.port)",
            credentials: Sandbox.provider("arabic-search")?.credentials ?? [:])
        try await harness.launchTwice(
            "arabic-ecommerce", markets: ["SA"], providers: ["arabic-search"], requests: [requests])
    }
}
