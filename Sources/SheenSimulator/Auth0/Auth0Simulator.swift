// swift-format-ignore-file: AlwaysUseLowerCamelCase
// Wire types spell fields as Auth0 does.

import Foundation
import Hummingbird

/// What the Auth0 simulator knows: the access tokens it issued, and the tenant's connections.
public struct Auth0World: SimulatorWorld {
    public struct Connection: Codable, Sendable {
        public struct Options: Codable, Sendable {
            public var metadataUrl: String
            public var domain_aliases: [String]
        }
        public var id: String
        public var name: String
        public var strategy: String
        public var enabled_clients: [String]
        public var options: Options
    }

    public var tokens: [String: Date] = [:]
    public var connections: [String: Connection] = [:]
    public var ledger: [LedgerEntry] = []

    public init() {}
}

/// A local Auth0 tenant for the calls Sheen makes: the client-credentials grant (`POST /oauth/token`, audience
/// `https://{domain}/api/v2/`), the Management API's `GET /api/v2/clients/{id}` and SAML connections
/// (`GET|POST /api/v2/connections`, `DELETE /api/v2/connections/{id}`), each needing a token it issued; errors as
/// `{"statusCode", "error", "message", "errorCode"}`, the token endpoint's as `{"error", "error_description"}`.
/// Unconfirmed, kept here: the exact `errorCode` strings, and which `options` a SAML connection must have beyond
/// `metadataUrl`.
public struct Auth0Simulator: Sendable {
    public static let domain = "sheen-sandbox.eu.auth0.com"
    public static let clientID = "sheenSandboxM2MClient00000000001"
    public static let clientSecret = "sheen-sandbox-auth0-client-secret-000000000000000000000000000000"

    public let store: SimulatorStore<Auth0World>
    public let faults: Faults
    public let requests = RequestCounter()

    public init(stateFile: String? = nil, faults: Faults = Faults()) throws {
        store = try SimulatorStore(file: stateFile, initial: Auth0World())
        self.faults = faults
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("oauth/token") { request, _ in
            let form = Dictionary(
                FormText.decode(String(decoding: await SimulatorHTTP.body(request), as: UTF8.self))
            ) { first, _ in first }
            if let fault = await faultResponse() { return fault }
            guard form["grant_type"] == "client_credentials" else {
                return Self.oauthError(
                    403, "unsupported_grant_type", "Unsupported grant type: \(form["grant_type"] ?? "")")
            }
            guard form["client_id"] == Self.clientID, form["client_secret"] == Self.clientSecret else {
                return Self.oauthError(401, "access_denied", "Unauthorized")
            }
            guard form["audience"] == "https://\(Self.domain)/api/v2/" else {
                return Self.oauthError(
                    403, "access_denied", "Service not enabled within domain: \(form["audience"] ?? "")")
            }
            let token = "eyJ.sandbox." + SimulatorHTTP.token(40)
            _ = try? await store.mutate { $0.tokens[token] = Date().addingTimeInterval(86_400) }
            return SimulatorHTTP.response(
                200,
                (try? SimulatorHTTP.json([
                    "access_token": token, "expires_in": 86_400, "token_type": "Bearer",
                    "scope": form["scope"] ?? "read:clients read:connections create:connections update:connections",
                ])) ?? Data())
        }
        router.get("api/v2/clients/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await management(request) {
                guard id == Self.clientID else {
                    throw Auth0Error(
                        status: 404, error: "Not Found", message: "The client does not exist", code: "inexistent_client"
                    )
                }
                return (
                    200,
                    try SimulatorHTTP.json([
                        "client_id": id, "name": "Sheen (machine to machine)", "app_type": "non_interactive",
                    ])
                )
            }
        }
        router.get("api/v2/connections") { request, _ in
            let name = request.uri.queryParameters.get("name")
            return await management(request) {
                let found = await store.read { world in
                    world.connections.values.filter { name == nil || $0.name == name }.sorted { $0.id < $1.id }
                }
                return (200, try SimulatorHTTP.encoded(found))
            }
        }
        router.post("api/v2/connections") { request, _ in
            let body = await SimulatorHTTP.body(request)
            return await management(request) {
                let connection = try await create(body)
                try await faults.afterCommit(path: "/api/v2/connections")
                return (201, try SimulatorHTTP.encoded(connection))
            }
        }
        router.delete("api/v2/connections/:id") { request, context in
            let id = context.parameters.get("id") ?? ""
            return await management(request) {
                try await store.mutate { world in
                    guard world.connections.removeValue(forKey: id) != nil else {
                        throw Auth0Error(
                            status: 404, error: "Not Found", message: "The connection does not exist",
                            code: "inexistent_connection")
                    }
                    world.record("connection.deleted", id, at: Date())
                }
                return (202, try SimulatorHTTP.json(["deleted_at": ISO8601DateFormatter().string(from: Date())]))
            }
        }
        return router
    }

    func create(_ body: Data) async throws -> Auth0World.Connection {
        let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        guard let name = object["name"] as? String, (1...128).contains(name.count),
            name.range(of: "^[a-zA-Z0-9](-?[a-zA-Z0-9])*$", options: .regularExpression) != nil
        else {
            throw Auth0Error(
                status: 400, error: "Bad Request",
                message:
                    "Payload validation error: 'String does not match pattern ^[a-zA-Z0-9](-?[a-zA-Z0-9])*$' on property name.",
                code: "invalid_body")
        }
        guard object["strategy"] as? String == "samlp" else {
            throw Auth0Error(
                status: 400, error: "Bad Request", message: "the sandbox tenant makes SAML (samlp) connections only",
                code: "invalid_body")
        }
        let options = object["options"] as? [String: Any] ?? [:]
        guard let metadata = options["metadataUrl"] as? String, metadata.hasPrefix("https://") else {
            throw Auth0Error(
                status: 400, error: "Bad Request",
                message:
                    "Payload validation error: a samlp connection needs options.metadataUrl (https) or a signing certificate and sign-in endpoint.",
                code: "invalid_body")
        }
        let clients = object["enabled_clients"] as? [String] ?? []
        return try await store.mutate { world in
            guard !world.connections.values.contains(where: { $0.name == name }) else {
                throw Auth0Error(
                    status: 409, error: "Conflict", message: "A connection with the same name already exists",
                    code: "connection_conflict")
            }
            let connection = Auth0World.Connection(
                id: "con_" + SimulatorHTTP.token(16), name: name, strategy: "samlp", enabled_clients: clients,
                options: .init(metadataUrl: metadata, domain_aliases: options["domain_aliases"] as? [String] ?? []))
            world.connections[connection.id] = connection
            world.record("connection.created", connection.id, key: name, at: Date())
            return connection
        }
    }

    func faultResponse() async -> Response? {
        switch await SimulatorHTTP.prelude(faults, requests) {
        case .rateLimited:
            return Auth0Error(
                status: 429, error: "Too Many Requests", message: "Global limit has been reached",
                code: "too_many_requests"
            )
            .response(headers: ["x-ratelimit-reset": String(Int(Date().timeIntervalSince1970) + 1), "Retry-After": "1"])
        case .dropped: return SimulatorHTTP.dropped()
        case .serverError:
            return Auth0Error(
                status: 503, error: "Service Unavailable", message: "Service temporarily unavailable",
                code: "service_unavailable"
            ).response()
        case nil: return nil
        }
    }

    func management(_ request: Request, _ operation: @Sendable () async throws -> (Int, Data)) async -> Response {
        if let fault = await faultResponse() { return fault }
        guard let token = SimulatorHTTP.bearer(request), let expiry = await store.read({ $0.tokens[token] }),
            expiry > Date()
        else {
            return Auth0Error(status: 401, error: "Unauthorized", message: "Invalid token", code: "invalid_token")
                .response()
        }
        do {
            let (status, body) = try await operation()
            return SimulatorHTTP.response(status, body)
        } catch let error as Auth0Error {
            return error.response()
        } catch is ConnectionDrop {
            return SimulatorHTTP.dropped()
        } catch {
            return Auth0Error(status: 500, error: "Internal Server Error", message: "internal error", code: "internal")
                .response()
        }
    }

    static func oauthError(_ status: Int, _ error: String, _ description: String) -> Response {
        SimulatorHTTP.response(
            status, (try? SimulatorHTTP.json(["error": error, "error_description": description])) ?? Data())
    }
}

/// The Management API's error body.
struct Auth0Error: Error, Sendable {
    var status: Int
    var error: String
    var message: String
    var code: String

    func response(headers: [String: String] = [:]) -> Response {
        let body: [String: any Sendable] = [
            "statusCode": status, "error": error, "message": message, "errorCode": code,
        ]
        return SimulatorHTTP.response(status, (try? SimulatorHTTP.json(body)) ?? Data(), headers: headers)
    }
}
