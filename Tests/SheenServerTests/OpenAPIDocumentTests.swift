import Foundation
import Hummingbird
import OpenAPIKit
import SheenApplication
import SheenServer
import Testing
import Yams

@Suite("docs/openapi.yaml")
struct OpenAPIDocumentTests {
    static let file = WebhookServerTests.repository.appendingPathComponent("docs/openapi.yaml")

    static func document() throws -> OpenAPI.Document {
        try YAMLDecoder().decode(OpenAPI.Document.self, from: String(contentsOf: file, encoding: .utf8))
    }

    @Test("it is a valid OpenAPI 3.1 document whose references all resolve")
    func validates() throws {
        let document = try Self.document()
        try document.validate()
        #expect(document.openAPIVersion == .v3_1_0)
        // Every operation says what it answers, and every authenticated one documents the 401.
        for route in document.routes {
            for endpoint in route.pathItem.endpoints {
                #expect(!endpoint.operation.responses.isEmpty, "\(endpoint.method) \(route.path.rawValue)")
                if endpoint.operation.security == nil {
                    #expect(
                        endpoint.operation.responses[status: 401] != nil,
                        "\(endpoint.method) \(route.path.rawValue) needs a token but documents no 401")
                }
            }
        }
    }

    @Test("it describes exactly the routes the server serves, method for method")
    func matchesRoutes() async throws {
        try await ConsoleAPIHarness.with { api in
            var server = WebhookServer(ingest: nil, processor: EventProcessor(events: api.events))
            server.routes = [api.api.register(on:)]
            server.projectIngest = api.api.projectIngest
            let router = server.router(base: { "" })
            var served: Set<String> = []
            for route in router.routes { served.insert("\(route.method.rawValue) \(route.path)") }
            // The webhook receiver is registered only when the server receives for a project.
            served.insert("POST /v1/webhooks/{provider}/{connection}")
            var documented: Set<String> = []
            for route in try Self.document().routes {
                for endpoint in route.pathItem.endpoints {
                    documented.insert("\(endpoint.method.rawValue.uppercased()) \(route.path.rawValue)")
                }
            }
            #expect(served.subtracting(documented).sorted() == [], "served but not documented")
            #expect(documented.subtracting(served).sorted() == [], "documented but not served")
            #expect(served.count > 20)
        }
    }
}
