import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import SheenApplication
import SheenCatalog
import SheenEngine
import SheenModel
import SheenSecrets
import SheenServer
import SheenStore
import SheenTestSupport
import SheenWebhooks
import Testing

/// A real `sheen serve` API on loopback over a SQLite file, with tokens of each kind, for the API suites.
struct ConsoleAPIHarness {
    let server: WebhookServer.Running
    let api: ConsoleAPI
    let store: SQLiteStateStore
    let events: SQLiteEventStore
    let connections: ConnectionService
    let directory: URL
    /// Every scope, every project.
    let admin: String
    /// read + write on `souq` only.
    let souq: String
    /// read on `souq` only.
    let reader: String
    /// every scope on `clinic` only.
    let clinicAdmin: String

    var port: Int { server.port }

    /// A client that shows redirects instead of following them: the dashboard's answers are what is tested.
    static let client = HTTPClient(
        eventLoopGroupProvider: .singleton, configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))

    static func start(limits: ConsoleAPI.Limits = ConsoleAPI.Limits()) async throws -> ConsoleAPIHarness {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try SQLiteStateStore(path: directory.appendingPathComponent("state.sqlite").path)
        let keys = try #require(
            try EnvironmentKeyProvider(environment: [
                "SHEEN_MASTER_KEY": Data(repeating: 7, count: 32).base64EncodedString()
            ]))
        let connections = ConnectionService(store: store, keys: keys, catalog: WebhookServerTests.catalog)
        let events = SQLiteEventStore(store)
        let api = ConsoleAPI.make(
            store: store, events: events, catalog: WebhookServerTests.catalog, connections: connections,
            settings: LaunchService.Settings(
                root: directory.appendingPathComponent("projects").path, portBase: TestPorts.block(),
                checklistTimeout: .seconds(30)),
            limits: limits)
        var server = WebhookServer(
            ingest: WebhookIngestService(project: "souq", environment: .dev, connections: connections, events: events),
            processor: EventProcessor(events: events), processingInterval: .seconds(3600))
        server.routes = [api.register(on:), Dashboard(api: api).register(on:)]
        server.projectIngest = api.projectIngest
        let running = try await server.start(host: "127.0.0.1", port: 0)
        func token(_ projects: [String], _ scopes: Set<AccessToken.Scope>) async throws -> String {
            try await api.tokens.create(name: "test", projects: projects, scopes: scopes, by: "test").secret
        }
        return ConsoleAPIHarness(
            server: running, api: api, store: store, events: events, connections: connections, directory: directory,
            admin: try await token(["*"], [.read, .write, .admin]), souq: try await token(["souq"], [.read, .write]),
            reader: try await token(["souq"], [.read]),
            clinicAdmin: try await token(["clinic"], [.read, .write, .admin]))
    }

    /// Runs `body` against a fresh server, stopped and removed afterwards whether `body` throws or not.
    static func with(
        limits: ConsoleAPI.Limits = ConsoleAPI.Limits(), _ body: (ConsoleAPIHarness) async throws -> Void
    ) async throws {
        let harness = try await start(limits: limits)
        do {
            try await body(harness)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }

    func stop() async {
        server.stop()
        await server.wait()
        await api.runner.drain()
        try? FileManager.default.removeItem(at: directory)
    }

    struct Reply {
        var status: Int
        var headers: HTTPHeaders
        var body: Data
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }
        var error: [String: Any] { json["error"] as? [String: Any] ?? [:] }
        var code: String? { error["code"] as? String }
    }

    /// One request; `token: nil` sends no Authorization header.
    func call(
        _ method: HTTPMethod, _ path: String, token: String?, json: Any? = nil, body: Data? = nil,
        headers: [String: String] = [:]
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json)))
        } else if let body {
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await Self.client.execute(request, timeout: .seconds(60))
        let collected = try await response.body.collect(upTo: 16 << 20)
        return Reply(
            status: Int(response.status.code), headers: response.headers, body: Data(collected.readableBytesView))
    }

    /// A dashboard request with the token in its cookie, as the browser sends it after signing in; `form` is posted
    /// urlencoded.
    func page(
        _ method: HTTPMethod, _ path: String, token: String?, form: [(String, String)]? = nil,
        headers: [String: String] = [:]
    ) async throws -> Reply {
        var headers = headers
        if let token { headers["Cookie"] = "\(ConsoleAPI.cookieName)=\(token)" }
        var body: Data?
        if let form {
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            body = Data(
                form.map {
                    "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
                }.joined(separator: "&").utf8)
        }
        return try await call(method, path, token: nil, body: body, headers: headers)
    }

    /// Connects Stripe to `souq` in dev, delivers a signed event `eventID` to the server's receiver, and dead-letters
    /// it as a handler that failed for good would: the event's id.
    func deadLetter(_ eventID: String) async throws -> Int64 {
        _ = try await connections.connect(
            ConnectRequest(project: "souq", provider: "stripe", environment: .dev),
            values: [
                "secret_key": "sk_test_1", "publishable_key": "pk_test_1", "webhook_secret": WebhookServerTests.secret,
            ])
        let (status, json) = try await WebhookServerTests.post(
            try await WebhookServerTests.delivery(eventID), port: port)
        #expect(status == 200)
        let id = try #require((json["id"] as? Int).map(Int64.init))
        try await events.markFailed(id, reason: "handler threw", retryAt: nil)
        return id
    }

    /// Creates project `name` (arabic-ecommerce in SA unless told otherwise) with the admin token.
    func createProject(_ name: String, recipe: String = "arabic-ecommerce", markets: [String] = ["SA"]) async throws {
        let reply = try await call(
            .POST, "/v1/projects", token: admin, json: ["name": name, "recipe": recipe, "markets": markets])
        #expect(reply.status == 201, "\(reply.text)")
    }

    /// Reads a Server-Sent Events stream to its end (or `limit` events), returning `(id, event, data)` triples.
    func stream(
        _ path: String, token: String, lastEventID: Int? = nil, limit: Int = .max,
        received: (Int) async throws -> Void = { _ in }
    ) async throws -> [(id: Int, event: String, data: String)] {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "text/event-stream")
        if let lastEventID { request.headers.add(name: "Last-Event-ID", value: String(lastEventID)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        #expect(response.headers.first(name: "Content-Type")?.hasPrefix("text/event-stream") == true)
        var pending = ""
        var events: [(id: Int, event: String, data: String)] = []
        for try await chunk in response.body {
            pending += String(buffer: chunk)
            while let end = pending.range(of: "\n\n") {
                let frame = String(pending[..<end.lowerBound])
                pending = String(pending[end.upperBound...])
                var id = 0
                var name = "message"
                var data: [String] = []
                for line in frame.split(separator: "\n") {
                    if line.hasPrefix("id: ") { id = Int(line.dropFirst(4)) ?? 0 }
                    if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
                    if line.hasPrefix("data: ") { data.append(String(line.dropFirst(6))) }
                }
                if !data.isEmpty {
                    events.append((id, name, data.joined(separator: "\n")))
                    try await received(events.count)
                }
                if events.count >= limit { return events }
            }
        }
        return events
    }
}
