import Foundation
import Logging
import PostgresNIO
import SheenEngine
import SheenModel
import SheenTestSupport
import Testing

@testable import SheenProviders

/// `ArabicSearchSQL` on a real PostgreSQL (`scripts/test` starts one and sets `SHEEN_TEST_POSTGRES_URL`), against
/// Lucene's own Arabic test cases (`Vectors/arabic_normalization_lucene.json`, with their provenance).
@Suite(
    "Arabic search in PostgreSQL: Lucene's normalisation cases on a real server",
    .enabled(if: TestPostgres.available, "scripts/test starts PostgreSQL and sets SHEEN_TEST_POSTGRES_URL"),
    .serialized)
struct ArabicSearchPostgresTests {
    static var url: String? { TestPostgres.url }

    struct Vectors: Decodable {
        struct Case: Decodable {
            var test: String
            var input: String
            var expected: String
        }
        var normalization: [Case]
        var stemming: [Case]
    }

    /// PostgreSQL's Snowball stemmer is not Lucene's light stemmer: these Lucene cases stem differently after the
    /// same normalisation (docs/arabic-search.md says how). Kept here so a server whose stemmer changes is noticed.
    static let stemmedDifferently: Set<String> = [
        "testWalPrefix", "testBalPrefix", "testKalPrefix", "testFalPrefix", "testWaPrefix", "testAtSuffix",
        "testComboSuf", "testNonArabic",
    ]

    static func vectors() throws -> Vectors {
        let file = try #require(
            Bundle.module.url(forResource: "Vectors/arabic_normalization_lucene", withExtension: "json"))
        return try JSONDecoder().decode(Vectors.self, from: Data(contentsOf: file))
    }

    static func context() -> StepContext {
        StepContext(
            stepID: "postgres-search.install", kind: "postgres-search.install", provider: "postgres-search",
            environment: .dev, connection: "postgres-search/default", inputHash: "h", idempotencyKey: "k",
            clock: SystemClock(), credentials: CredentialAccess { Credentials(["database_url": url ?? ""]) })
    }

    static func scalar(_ sql: String, _ value: String) async throws -> String? {
        let target = try PostgresTarget(url: url ?? "")
        return try await target.with { connection in
            var bindings = PostgresBindings()
            bindings.append(value)
            var answer: String?
            for try await row in try await connection.query(
                PostgresQuery(unsafeSQL: "SELECT (\(sql))::text", binds: bindings), logger: PostgresTarget.logger)
            {
                answer = try row.decode(String?.self)
            }
            return answer
        }
    }

    @Test("install is idempotent, observe sees it, destroy removes it")
    func lifecycle() async throws {
        let runner = PostgresSearchInstallRunner()
        try await runner.delete(Self.context())
        #expect(try await runner.observe(Self.context()) == nil)
        let made = try await runner.create(Self.context())
        #expect(try await runner.create(Self.context()) == made)
        #expect(try await runner.observe(Self.context()) == made)
        try await runner.delete(Self.context())
        #expect(try await runner.observe(Self.context()) == nil)
        _ = try await runner.create(Self.context())
    }

    @Test("every Lucene normalisation case normalises to Lucene's answer")
    func normalisation() async throws {
        _ = try await PostgresSearchInstallRunner().create(Self.context())
        let vectors = try Self.vectors()
        #expect(vectors.normalization.count >= 14)
        for vector in vectors.normalization {
            let answer = try await Self.scalar("public.sheen_arabic_normalize($1)", vector.input)
            #expect(answer == vector.expected, "\(vector.test): \(vector.input) → \(answer ?? "nil")")
        }
    }

    @Test("Lucene's stemming cases: where PostgreSQL's stem agrees, and a document always matches its own query")
    func stemming() async throws {
        _ = try await PostgresSearchInstallRunner().create(Self.context())
        let vectors = try Self.vectors()
        var differing: Set<String> = []
        for vector in vectors.stemming {
            let stem = try await Self.scalar(
                "(ts_lexize('arabic_stem', public.sheen_arabic_normalize($1)))[1]", vector.input)
            if stem != vector.expected { differing.insert(vector.test) }
            let matches = try await Self.scalar(
                "public.sheen_arabic_tsvector($1) @@ public.sheen_arabic_tsquery($1)", vector.input)
            #expect(matches == "true", "\(vector.test): a document does not match its own words")
        }
        print("stemmed differently from Lucene: \(differing.sorted())")
        #expect(differing == Self.stemmedDifferently)
    }

    @Test("search ignores harakat, tatweel and alef forms: the diacritised and bare spellings find each other")
    func search() async throws {
        _ = try await PostgresSearchInstallRunner().create(Self.context())
        let pairs = [("الْكِتَابُ", "الكتاب"), ("أحمد", "احمد"), ("مكتبــة", "مكتبه"), ("إسلام", "اسلام")]
        for (document, query) in pairs {
            let found = try await Self.scalar(
                "public.sheen_arabic_tsvector($1) @@ public.sheen_arabic_tsquery('\(query)')", document)
            #expect(found == "true", "\(document) should match \(query)")
        }
        let unrelated = try await Self.scalar(
            "public.sheen_arabic_tsvector($1) @@ public.sheen_arabic_tsquery('سيارة')", "الكتاب")
        #expect(unrelated == "false")
    }
}

@Suite("postgres-search connection strings")
struct PostgresTargetTests {
    @Test(
        "a URL that is not postgres:// is refused by name; an unreachable server fails as transient, never echoing the password"
    )
    func badInput() async throws {
        #expect(throws: StepFailure.self) { _ = try PostgresTarget(url: "mysql://u:p@h/db") }
        #expect(throws: StepFailure.self) { _ = try PostgresTarget(url: "postgres://u:p@h/db?sslmode=sometimes") }
        let loopback = try PostgresTarget(url: "postgres://sheen:s3cret-pass@127.0.0.1:1/app")
        #expect(loopback.display == "127.0.0.1:1/app")
        let refused = await #expect(throws: StepFailure.self) {
            try await loopback.with { _ in () }
        }
        #expect(refused?.isRetryable == true)
        #expect(refused?.message.contains("127.0.0.1:1/app") == true)
        #expect(refused?.message.contains("s3cret") == false)
    }
}
