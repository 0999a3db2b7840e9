import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SheenApplication
import SheenEngine
import SheenModel
import SheenPlanner
import SheenServer
import SheenStore
import SheenWebhooks
import Testing

@Suite("The launch API: every route, its validation, auth and idempotency")
struct ConsoleAPITests {
    typealias Harness = ConsoleAPIHarness

    @Test("no token, a malformed header, an unknown or revoked token: 401 in one bilingual shape with the request id")
    func unauthenticated() async throws {
        try await ConsoleAPIHarness.with { api in
            for (token, headers) in [(nil, [:]), ("sheen_not-a-token", [:]), (nil, ["Authorization": "Basic abc"])]
                as [(String?, [String: String])]
            {
                let reply = try await api.call(.GET, "/v1/projects", token: token, headers: headers)
                #expect(reply.status == 401)
                #expect(reply.code == "unauthenticated")
                let message = reply.error["message"] as? [String: String]
                #expect(message?["en"]?.isEmpty == false && message?["ar"]?.isEmpty == false)
                let id = try #require(reply.headers.first(name: "X-Request-Id"))
                #expect(reply.error["correlation_id"] as? String == id)
                #expect(reply.headers.first(name: "WWW-Authenticate")?.hasPrefix("Bearer") == true)
            }
            let issued = try await api.api.tokens.create(name: "gone", projects: ["*"], scopes: [.read], by: "test")
            #expect(try await api.call(.GET, "/v1/projects", token: issued.secret).status == 200)
            try await api.api.tokens.revoke(issued.token.id, by: "test")
            #expect(try await api.call(.GET, "/v1/projects", token: issued.secret).status == 401)
        }
    }

    @Test("another project's token gets 403 on every project route; a token without the scope gets 403")
    func forbidden() async throws {
        try await ConsoleAPIHarness.with { api in
            try await api.createProject("clinic", recipe: "service-business-mena", markets: ["AE"])
            for (method, path) in [
                (HTTPMethod.GET, "/v1/projects/clinic"), (.GET, "/v1/projects/clinic/connections"),
                (.POST, "/v1/projects/clinic/connections"), (.POST, "/v1/projects/clinic/plans"),
                (.POST, "/v1/projects/clinic/launches"), (.GET, "/v1/projects/clinic/launches"),
                (.GET, "/v1/projects/clinic/launches/1"), (.GET, "/v1/projects/clinic/launches/1/stream"),
                (.GET, "/v1/projects/clinic/checklist"), (.GET, "/v1/projects/clinic/checklist/stream"),
                (.POST, "/v1/projects/clinic/preflight"), (.GET, "/v1/projects/clinic/health"),
                (.GET, "/v1/projects/clinic/events"), (.POST, "/v1/projects/clinic/events/1/replay"),
                (.GET, "/v1/projects/clinic/events/1/body"),
                (.DELETE, "/v1/projects/clinic/connections/stripe/default"),
            ] {
                let reply = try await api.call(method, path, token: api.souq, json: method == .GET ? nil : [:])
                #expect(reply.status == 403, "\(method) \(path): \(reply.status)")
                #expect(reply.code == "forbidden-project" || reply.code == "missing-scope", "\(path)")
            }
            // Creating a project outside the token's list is refused too.
            let outside = try await api.call(
                .POST, "/v1/projects", token: api.souq, json: ["name": "other", "recipe": "arabic-ecommerce"])
            #expect(outside.status == 403 && outside.code == "forbidden-project")
            try await api.createProject("souq")
            let write = try await api.call(.POST, "/v1/projects/souq/plans", token: api.reader, json: [:])
            #expect(write.status == 403 && write.code == "missing-scope")
            let audit = try await api.call(.GET, "/v1/audit", token: api.souq)
            #expect(audit.status == 403 && audit.code == "missing-scope")
            // The list shows only what the token may see.
            let list = try await api.call(.GET, "/v1/projects", token: api.souq)
            #expect((list.json["projects"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["souq"])
        }
    }

    @Test("projects: created, listed, read; a clash, a bad name, an unknown recipe or market, bad JSON, too large")
    func projects() async throws {
        try await ConsoleAPIHarness.with(limits: .init(maxBodyBytes: 2048)) { api in
            let created = try await api.call(
                .POST, "/v1/projects", token: api.admin,
                json: [
                    "name": "souq", "recipe": "arabic-ecommerce", "markets": ["sa", "AE"], "domain": "Souq.Example.SA",
                ])
            #expect(created.status == 201)
            #expect(created.headers.first(name: "Location") == "/v1/projects/souq")
            #expect(created.json["markets"] as? [String] == ["SA", "AE"])
            #expect(created.json["currencies"] as? [String] == [], "each market's currency is chosen when planning")
            #expect(created.json["domain"] as? String == "souq.example.sa")
            let again = try await api.call(
                .POST, "/v1/projects", token: api.admin, json: ["name": "souq", "recipe": "arabic-ecommerce"])
            #expect(again.status == 409 && again.code == "project-exists")
            let cases: [([String: Any], Int, String, String?)] = [
                (["name": "Souq!", "recipe": "arabic-ecommerce"], 422, "invalid-request", "name"),
                (["name": "shop", "recipe": "no-such-recipe"], 422, "invalid-request", "recipe"),
                (
                    ["name": "shop", "recipe": "arabic-ecommerce", "markets": ["XX1"]], 422, "invalid-request",
                    "markets"
                ),
                (
                    ["name": "shop", "recipe": "arabic-ecommerce", "domain": "not a domain"], 422, "invalid-request",
                    "domain"
                ),
                (["recipe": "arabic-ecommerce"], 400, "bad-json", "name"),
                (["name": "shop", "recipe": 7], 400, "bad-json", "recipe"),
            ]
            for (body, status, code, field) in cases {
                let reply = try await api.call(.POST, "/v1/projects", token: api.admin, json: body)
                #expect(reply.status == status, "\(body): \(reply.text)")
                #expect(reply.code == code && reply.error["field"] as? String == field, "\(body): \(reply.text)")
            }
            let garbage = try await api.call(.POST, "/v1/projects", token: api.admin, body: Data("{not json".utf8))
            #expect(garbage.status == 400 && garbage.code == "bad-json")
            let large = try await api.call(
                .POST, "/v1/projects", token: api.admin,
                json: ["name": "big", "recipe": "arabic-ecommerce", "domain": String(repeating: "a", count: 4096)])
            #expect(large.status == 413 && large.code == "too-large")
            let read = try await api.call(.GET, "/v1/projects/souq", token: api.reader)
            #expect(read.status == 200 && read.json["recipe"] as? String == "arabic-ecommerce")
            let missing = try await api.call(.GET, "/v1/projects/nothing", token: api.admin)
            #expect(missing.status == 404 && missing.code == "no-such-project")
            let recipes = try await api.call(.GET, "/v1/recipes", token: api.reader)
            #expect(
                (recipes.json["recipes"] as? [[String: Any]])?.contains { $0["id"] as? String == "arabic-ecommerce" }
                    == true)
        }
    }

    @Test("connections: credentials go in sealed and never come out; removal; both audited with the request id")
    func connections() async throws {
        try await ConsoleAPIHarness.with { api in
            try await api.createProject("souq")
            let secret = "sk_test_CanaryApiQ7x2Zk9W"
            let created = try await api.call(
                .POST, "/v1/projects/souq/connections", token: api.souq,
                json: [
                    "provider": "stripe", "environment": "dev",
                    "fields": [
                        "secret_key": secret, "publishable_key": "pk_test_1", "webhook_secret": "whsec_CanaryApi",
                    ],
                ], headers: ["X-Request-Id": "req-connect-1"])
            #expect(created.status == 201, "\(created.text)")
            #expect(created.headers.first(name: "X-Request-Id") == "req-connect-1")
            #expect(!created.text.contains("CanaryApi"))
            #expect((created.json["secrets"] as? [[String: Any]])?.count == 2)
            let list = try await api.call(.GET, "/v1/projects/souq/connections", token: api.reader)
            #expect(list.status == 200 && !list.text.contains("CanaryApi"))
            #expect((list.json["connections"] as? [[String: Any]])?.first?["reference"] as? String == "stripe/default")
            let clash = try await api.call(
                .POST, "/v1/projects/souq/connections", token: api.souq,
                json: ["provider": "stripe", "fields": ["secret_key": secret, "publishable_key": "pk_test_1"]])
            #expect(clash.status == 422 && clash.code == "connection-refused", "\(clash.text)")
            #expect(!clash.text.contains("CanaryApi"))
            let wrong = try await api.call(
                .POST, "/v1/projects/souq/connections", token: api.souq,
                json: ["provider": "stripe", "alias": "other", "fields": ["secret_key": "sk_live_CanaryApi"]])
            #expect(wrong.status == 422, "a live key in dev is refused: \(wrong.text)")
            #expect(!wrong.text.contains("CanaryApi"))
            let unknown = try await api.call(
                .POST, "/v1/projects/souq/connections", token: api.souq, json: ["provider": "nope", "fields": [:]])
            #expect(unknown.status == 422 && unknown.code == "connection-refused")
            let removed = try await api.call(
                .DELETE, "/v1/projects/souq/connections/stripe/default?environment=dev", token: api.souq)
            #expect(removed.status == 204)
            let gone = try await api.call(
                .DELETE, "/v1/projects/souq/connections/stripe/default?environment=dev", token: api.souq)
            #expect(gone.status == 422 && gone.code == "connection-refused")
            let audit = try await api.call(.GET, "/v1/audit?project=souq", token: api.admin)
            let entries = try #require(audit.json["entries"] as? [[String: Any]])
            #expect(entries.map { $0["action"] as? String } == ["credential.delete", "credential.write"])
            #expect(entries.last?["correlation_id"] as? String == "req-connect-1")
            #expect((entries.last?["actor"] as? String)?.hasPrefix("token:tok_") == true)
        }
    }

    @Test("a plan is a dry run: steps, reasons and costs come back, nothing is journaled")
    func plans() async throws {
        try await ConsoleAPIHarness.with { api in
            try await api.createProject("souq")
            let reply = try await api.call(
                .POST, "/v1/projects/souq/plans", token: api.souq, json: ["environment": "dev"])
            #expect(reply.status == 200, "\(reply.text)")
            let steps = reply.json["steps"] as? [[String: Any]] ?? reply.json["nodes"] as? [[String: Any]] ?? []
            #expect(!steps.isEmpty, "\(reply.text.prefix(400))")
            #expect(reply.json["cost"] != nil)
            #expect(reply.text.contains("reason"))
            #expect(try await api.store.journalLength(of: StoreScope(project: "souq", environment: .dev)) == 0)
            let bad = try await api.call(.POST, "/v1/projects/souq/plans", token: api.souq, json: ["environment": "qa"])
            #expect(bad.status == 400 && bad.code == "bad-json" && bad.error["field"] as? String == "environment")
        }
    }

    @Test("launches: one Idempotency-Key gives one launch; the same key with another body is 409; bad keys are 422")
    func idempotentLaunches() async throws {
        try await ConsoleAPIHarness.with { api in
            try await api.createProject("souq")
            let key = UUID().uuidString
            // Not sandboxed and with no connections: the launch fails fast, which is all this test needs of it.
            let first = try await api.call(
                .POST, "/v1/projects/souq/launches", token: api.souq, json: ["sandbox": false],
                headers: ["Idempotency-Key": key])
            #expect(first.status == 202, "\(first.text)")
            let id = try #require(first.json["id"] as? Int)
            #expect(first.headers.first(name: "Location") == "/v1/projects/souq/launches/\(id)")
            // Twenty retries racing: every one answers the first launch.
            let replies = try await withThrowingTaskGroup(of: Harness.Reply.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        try await api.call(
                            .POST, "/v1/projects/souq/launches", token: api.souq, json: ["sandbox": false],
                            headers: ["Idempotency-Key": key])
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(replies.allSatisfy { $0.status == 200 && $0.json["id"] as? Int == id })
            #expect(replies.allSatisfy { $0.headers.first(name: "Idempotent-Replayed") == "true" })
            let other = try await api.call(
                .POST, "/v1/projects/souq/launches", token: api.souq, json: ["sandbox": true],
                headers: ["Idempotency-Key": key])
            #expect(other.status == 409 && other.code == "idempotency-key-reused", "\(other.text)")
            let badKey = try await api.call(
                .POST, "/v1/projects/souq/launches", token: api.souq, json: [:],
                headers: ["Idempotency-Key": "has spaces"])
            #expect(badKey.status == 422 && badKey.error["field"] as? String == "Idempotency-Key")
            let list = try await api.call(.GET, "/v1/projects/souq/launches", token: api.reader)
            #expect((list.json["launches"] as? [[String: Any]])?.count == 1)
            // The launch runs to an end and says why it failed.
            await api.api.runner.drain()
            let done = try await api.call(.GET, "/v1/projects/souq/launches/\(id)", token: api.reader)
            #expect(done.json["status"] as? String == "failed", "\(done.text)")
            let events = try await api.stream("/v1/projects/souq/launches/\(id)/stream", token: api.reader)
            #expect(events.last?.event == "progress" && events.last?.data.contains("\"finished\"") == true)
            #expect(events.map(\.id) == Array(1...events.count))
            let none = try await api.call(.GET, "/v1/projects/souq/launches/999", token: api.reader)
            #expect(none.status == 404 && none.code == "no-such-launch")
        }
    }

    @Test("a launch whose server died is settled as failed, once, when next read; its stream then ends")
    func orphanedLaunch() async throws {
        try await ConsoleAPIHarness.with { api in
            try await api.createProject("souq")
            // A launch another server was running when it was killed: unfinished, its last heartbeat two minutes ago.
            guard
                case .created(let orphan) = try await api.store.createLaunch(
                    LaunchRecord(
                        project: "souq", environment: .dev, sandbox: true, status: .running, idempotencyKey: nil,
                        requestHash: "h", createdBy: "test", createdAt: Date().addingTimeInterval(-120)))
            else { throw CancellationError() }
            let read = try await api.call(.GET, "/v1/projects/souq/launches/\(orphan.id)", token: api.reader)
            #expect(read.json["status"] as? String == "failed")
            #expect((read.json["error"] as? String)?.hasPrefix("interrupted") == true, "\(read.text)")
            let events = try await api.stream("/v1/projects/souq/launches/\(orphan.id)/stream", token: api.reader)
            #expect(events.map(\.id) == [1], "one finished event, however many readers")
            #expect(events.first?.data.contains("\"failed\"") == true)
        }
    }

    @Test("the checklist stream sends the stored checklist, then each change; bad parameters are refused")
    func checklistStream() async throws {
        // A short stream lifetime: a stream that missed the change ends (and the test fails) instead of waiting.
        try await ConsoleAPIHarness.with(limits: .init(streamLifetime: .seconds(20))) { api in
            try await api.createProject("souq")
            let scope = StoreScope(project: "souq", environment: .dev)
            func condition(_ status: ChecklistCondition.Status) -> ChecklistCondition {
                ChecklistCondition(
                    item: "domain", title: LocalizedText(en: "Domain", ar: "النطاق"), status: status, reason: "R",
                    message: LocalizedText(en: "m", ar: "م"), lastTransition: Date(), evidence: [], blockedBy: [],
                    next: nil, fix: LocalizedText(en: "f", ar: "ف"))
            }
            try await api.store.saveConditions([condition(.unknown)], in: scope)
            // The change is made only once the first checklist has arrived, however slow the machine.
            let store = api.store
            let events = try await api.stream("/v1/projects/souq/checklist/stream", token: api.reader, limit: 2) {
                count in
                if count == 1 { try await store.saveConditions([condition(.true)], in: scope) }
            }
            #expect(events.map(\.event) == ["checklist", "checklist"])
            #expect(events.map(\.id) == [1, 2])
            #expect(
                events.first?.data.contains("\"Unknown\"") == true
                    && events.last?.data.contains("\"ready\":true") == true)
            let bad = try await api.call(.GET, "/v1/projects/souq/checklist?environment=qa", token: api.reader)
            #expect(bad.status == 422 && bad.error["field"] as? String == "environment")
            let limit = try await api.call(.GET, "/v1/audit?limit=0", token: api.admin)
            #expect(limit.status == 422 && limit.error["field"] as? String == "limit")
            let launches = try await api.call(.GET, "/v1/projects/souq/launches?limit=5000", token: api.reader)
            #expect(launches.status == 422)
        }
    }

    @Test("a project's public URL routes its providers' webhooks to it; unknown projects and bad URLs are refused")
    func projectReceivers() async throws {
        try await ConsoleAPIHarness.with { api in
            for bad in ["http://hooks.example.sa", "https://hooks.example.sa/?a=1", "ftp://x.sa", "not a url"] {
                let reply = try await api.call(
                    .POST, "/v1/projects", token: api.admin,
                    json: ["name": "shop", "recipe": "global-saas", "webhook_public_url": bad])
                #expect(reply.status == 422 && reply.error["field"] as? String == "webhook_public_url", "\(bad)")
            }
            let created = try await api.call(
                .POST, "/v1/projects", token: api.admin,
                json: [
                    "name": "souq", "recipe": "global-saas", "markets": ["AE"],
                    "webhook_public_url": "https://hooks.example.sa/",
                ])
            #expect(created.json["webhook_public_url"] as? String == "https://hooks.example.sa")
            _ = try await api.connections.connect(
                ConnectRequest(project: "souq", provider: "stripe", environment: .dev),
                values: [
                    "secret_key": "sk_test_1", "publishable_key": "pk_test_1",
                    "webhook_secret": WebhookServerTests.secret,
                ])
            let plan = try await api.call(.POST, "/v1/projects/souq/plans", token: api.souq, json: [:])
            #expect(plan.text.contains("https://hooks.example.sa/projects/souq/dev/v1/webhooks/stripe/default"))
            func deliver(_ path: String) async throws -> Int {
                let delivery = try await WebhookServerTests.delivery("evt_project_1")
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(api.port)\(path)")
                request.method = .POST
                for field in delivery.headers.fields { request.headers.add(name: field.name, value: field.value) }
                request.body = .bytes(ByteBuffer(bytes: delivery.body))
                return Int(try await HTTPClient.shared.execute(request, timeout: .seconds(30)).status.code)
            }
            #expect(try await deliver("/projects/souq/dev/v1/webhooks/stripe/default") == 200)
            #expect(try await deliver("/projects/nope/dev/v1/webhooks/stripe/default") == 404)
            #expect(try await deliver("/projects/souq/qa/v1/webhooks/stripe/default") == 404)
            #expect(try await deliver("/projects/souq/prod/v1/webhooks/stripe/default") == 404, "no prod connection")
            let events = try await api.call(.GET, "/v1/projects/souq/events", token: api.reader)
            #expect(
                (events.json["events"] as? [[String: Any]])?.map { $0["connection"] as? String } == ["stripe/default"])
        }
    }

    @Test("events: listed by status, a dead letter replayed once, its raw body read by an admin only and audited")
    func events() async throws {
        try await ConsoleAPIHarness.with { api in
            try await api.createProject("souq")
            let id = try await api.deadLetter("evt_api_1")
            let dead = try await api.call(.GET, "/v1/projects/souq/events?status=dead", token: api.reader)
            #expect((dead.json["events"] as? [[String: Any]])?.map { $0["id"] as? Int } == [Int(id)])
            let badStatus = try await api.call(.GET, "/v1/projects/souq/events?status=zombie", token: api.reader)
            #expect(badStatus.status == 422 && badStatus.error["field"] as? String == "status")
            let replay = try await api.call(.POST, "/v1/projects/souq/events/\(id)/replay", token: api.souq)
            #expect(replay.status == 200)
            let twice = try await api.call(.POST, "/v1/projects/souq/events/\(id)/replay", token: api.souq)
            #expect(twice.status == 409 && twice.code == "not-replayable")
            let notAdmin = try await api.call(.GET, "/v1/projects/souq/events/\(id)/body", token: api.souq)
            #expect(notAdmin.status == 403 && notAdmin.code == "missing-scope")
            let body = try await api.call(.GET, "/v1/projects/souq/events/\(id)/body", token: api.admin)
            #expect(body.status == 200 && body.text.contains("evt_api_1"))
            let missing = try await api.call(.GET, "/v1/projects/souq/events/424242/body", token: api.admin)
            #expect(missing.status == 404 && missing.code == "no-such-event")
            let audit = try await api.call(.GET, "/v1/audit", token: api.admin)
            let actions = (audit.json["entries"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
            #expect(actions.prefix(3) == ["event.body.read", "event.replay", "event.replay"])
            // A project-bound admin must name its project, and sees only it.
            let bound = try await api.call(.GET, "/v1/audit", token: api.clinicAdmin)
            #expect(bound.status == 403 && bound.code == "forbidden-project")
            let other = try await api.call(.GET, "/v1/audit?project=souq", token: api.clinicAdmin)
            #expect(other.status == 403)
            let health = try await api.call(.GET, "/v1/projects/souq/health", token: api.reader)
            let row = try #require((health.json["connections"] as? [[String: Any]])?.first)
            #expect(row["reference"] as? String == "stripe/default")
            #expect(row["errors_24h"] as? Int == 0, "the replayed event is no longer failing: \(row)")
            #expect(row["healthy"] as? Bool == true)
            // A Stripe step that failed an hour ago counts against the connection; one from two days ago does not.
            let scope = StoreScope(project: "souq", environment: .dev)
            for (id, age) in [("stripe.webhook-endpoint", 3_600.0), ("stripe.product", 172_800.0)] {
                try await api.store.submit(
                    StepState(
                        stepID: id, kind: "stripe.webhook_endpoint", provider: "stripe", status: .failed,
                        inputHash: "h", idempotencyKey: "k-\(id)", requestFingerprint: "f", attempts: 3,
                        errorClass: "http-401", errorMessage: "Invalid API Key provided", level: 1,
                        updatedAt: Date().addingTimeInterval(-age)), in: scope, fence: nil
                ).durable()
            }
            let after = try await api.call(.GET, "/v1/projects/souq/health", token: api.reader)
            let sick = try #require((after.json["connections"] as? [[String: Any]])?.first)
            #expect(sick["step_errors_24h"] as? Int == 1 && sick["errors_24h"] as? Int == 1, "\(sick)")
            #expect(sick["healthy"] as? Bool == false)
            #expect((sick["last_error"] as? String)?.contains("http-401") == true)
        }
    }

    @Test("rate limit per token: past the burst a 429 with Retry-After; another token is unaffected")
    func rateLimited() async throws {
        try await ConsoleAPIHarness.with(limits: .init(burst: 3, perSecond: 0.01)) { api in
            var statuses: [Int] = []
            for _ in 0..<5 { statuses.append(try await api.call(.GET, "/v1/projects", token: api.reader).status) }
            #expect(statuses == [200, 200, 200, 429, 429])
            let limited = try await api.call(.GET, "/v1/projects", token: api.reader)
            #expect(limited.code == "rate-limited" && Int(limited.headers.first(name: "Retry-After") ?? "") ?? 0 >= 1)
            #expect(try await api.call(.GET, "/v1/projects", token: api.admin).status == 200)
            // Guessing at tokens shares one bucket: past it, 429 before any lookup.
            var guesses: [Int] = []
            for index in 0..<5 {
                guesses.append(try await api.call(.GET, "/v1/projects", token: "sheen_guess\(index)").status)
            }
            #expect(guesses == [401, 401, 401, 429, 429])
        }
    }

    @Test("correlation ids: a sane X-Request-Id is echoed, a hostile one replaced")
    func correlation() async throws {
        try await ConsoleAPIHarness.with { api in
            let echoed = try await api.call(
                .GET, "/v1/projects", token: api.admin, headers: ["X-Request-Id": "abc-123"])
            #expect(echoed.headers.first(name: "X-Request-Id") == "abc-123")
            for hostile in ["a forged=line <b>", String(repeating: "x", count: 200)] {
                let reply = try await api.call(
                    .GET, "/v1/projects", token: api.admin, headers: ["X-Request-Id": hostile])
                let replaced = try #require(reply.headers.first(name: "X-Request-Id"))
                #expect(UUID(uuidString: replaced) != nil, "\(hostile) → \(replaced)")
            }
        }
    }

    @Test("checklist and preflight answer for a project with nothing launched yet")
    func checklistAndPreflight() async throws {
        try await ConsoleAPIHarness.with { api in
            try await api.createProject("souq")
            let checklist = try await api.call(.GET, "/v1/projects/souq/checklist", token: api.reader)
            #expect(checklist.status == 200 && checklist.json["ready"] as? Bool == false)
            let preflight = try await api.call(
                .POST, "/v1/projects/souq/preflight", token: api.souq, json: ["only": ["connections.present"]])
            #expect(preflight.status == 200, "\(preflight.text)")
            let results = try #require(preflight.json["results"] as? [[String: Any]])
            #expect(!results.isEmpty && results.allSatisfy { $0["status"] as? String == "fail" })
            #expect(preflight.json["ready"] as? Bool == false)
            let unknown = try await api.call(
                .POST, "/v1/projects/souq/preflight", token: api.souq, json: ["only": ["no.such.check"]])
            #expect(unknown.status == 400 && unknown.error["field"] as? String == "only")
        }
    }
}
