import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SheenCatalog
import SheenModel
import SheenSecrets
import Testing

/// The canary extended to the launch API and the dashboard: a secret in every secret credential field of every
/// manifest, sent through `POST …/connections` (and through refusals), must appear in no response of any route, no
/// dashboard page and no line the server logs at the most verbose level, in any spelling.
@Suite("Secret canary through the API")
struct APISecretCanaryTests {
    @Test("credentials sent to the API never come back from any route, page or log")
    func canary() async throws {
        let directory = try SheenBinary.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = [
            "SHEEN_KEYRING": directory.appendingPathComponent("keys/keyring.json").path, "LOG_LEVEL": "trace",
        ]
        let created = try await SheenBinary.run(
            [
                "tokens", "create", "--name", "canary", "--project", "*", "--scope", "read", "--scope", "write",
                "--scope", "admin", "--json",
            ], in: directory, environment: environment)
        let token = try #require(
            (try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any])?["secret"] as? String)
        let server = try SheenBinary.serve(
            ["--sandbox-port-base", String(SheenBinary.portBlock())], in: directory, environment: environment,
            until: "/v1,", keepErrors: true)
        let port = server.port
        let base = "http://127.0.0.1:\(port)"
        var bodies: [String] = []
        func call(_ method: HTTPMethod, _ path: String, _ json: Any? = nil, cookie: Bool = false) async throws -> Int {
            var request = HTTPClientRequest(url: base + path)
            request.method = method
            if cookie {
                request.headers.add(name: "Cookie", value: "sheen_token=\(token)")
            } else {
                request.headers.add(name: "Authorization", value: "Bearer \(token)")
            }
            if let json {
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json)))
            }
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
            let body = try await response.body.collect(upTo: 16 << 20)
            bodies.append(String(buffer: body) + response.headers.description)
            return Int(response.status.code)
        }
        #expect(try await call(.POST, "/v1/projects", ["name": "souq", "recipe": "arabic-ecommerce"]) == 201)

        let catalog = CatalogLoader(displayBase: SheenBinary.repository.path).load(
            catalogAt: SheenBinary.repository.path
        ).catalog
        var canaries: [String] = []
        for provider in catalog.sortedProviders {
            var fields: [String: String] = [:]
            for field in provider.auth.credentials {
                let value = try SecretCanaryTests.value(for: field, provider: provider.id)
                if field.secret { canaries.append(value) }
                fields[field.name] = value
            }
            let status = try await call(
                .POST, "/v1/projects/souq/connections",
                ["provider": provider.id, "environment": "dev", "fields": fields])
            #expect(status == 201, "\(provider.id): \(bodies.last ?? "")")
            // Refusals on the way: the same connection again, and a live key where a test key belongs.
            _ = try await call(
                .POST, "/v1/projects/souq/connections",
                ["provider": provider.id, "environment": "dev", "fields": fields])
        }
        #expect(canaries.count >= 25)
        _ = try await call(
            .POST, "/v1/projects/souq/connections",
            ["provider": "stripe", "alias": "live", "fields": ["secret_key": "sk_live_\(SecretCanaryTests.marker)"]])
        for path in [
            "/v1/projects", "/v1/projects/souq", "/v1/projects/souq/connections", "/v1/projects/souq/health",
            "/v1/projects/souq/checklist", "/v1/projects/souq/events", "/v1/projects/souq/launches", "/v1/audit",
        ] {
            #expect(try await call(.GET, path) == 200, "\(path)")
        }
        #expect(try await call(.POST, "/v1/projects/souq/plans", [:]) == 200)
        #expect(try await call(.POST, "/v1/projects/souq/preflight", ["only": ["connections.present"]]) == 200)
        for page in ["/ar/", "/en/", "/ar/projects/souq", "/en/projects/souq"] {
            #expect(try await call(.GET, page, cookie: true) == 200, "\(page)")
        }

        server.stop()
        let logs =
            server.banner + String(decoding: server.out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            + String(decoding: server.err?.fileHandleForReading.readDataToEndOfFile() ?? Data(), as: UTF8.self)
        var spellings: Set<String> = []
        for canary in canaries { spellings.formUnion(Redactor.forms(of: canary)) }
        spellings.formUnion(Redactor.forms(of: SecretCanaryTests.marker))
        let seen = (bodies + [logs]).joined(separator: "\n")
        // Not vacuous: the responses did carry the connections (their fingerprints), just never their secrets.
        #expect(seen.contains("fingerprint"))
        for spelling in spellings.sorted() {
            #expect(!seen.contains(spelling), "a response or log holds \(spelling.prefix(6))…")
        }
    }
}
