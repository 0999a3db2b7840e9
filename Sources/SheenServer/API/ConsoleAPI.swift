import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SheenApplication
import SheenEngine
import SheenModel
import SheenWebhooks

/// The launch API under `/v1`, described in `docs/openapi.yaml`: projects, connections (credentials go in, never
/// out), dry-run plans, idempotent launches with live progress, the checklist, preflight, webhook events and dead
/// letters with replay, and the audit log. Each route calls the same use cases as the CLI.
///
/// Every request gets a correlation id (the caller's `X-Request-Id` when it is sane, else a new one), echoed in the
/// response, its error body and the log; is authenticated by a bearer token (or the dashboard's cookie) whose scopes
/// and projects it must fit; is rate-limited per token; and may carry at most ``Limits/maxBodyBytes``.
public struct ConsoleAPI: Sendable {
    public var projects: ProjectService
    public var launches: LaunchService
    public var tokens: AccessTokenService
    public var audit: AuditLog
    public var connections: ConnectionService
    public var apply: ApplyService
    public var checklist: any ChecklistStore
    public var events: any EventStore
    public var limits: Limits
    public var logger: Logger
    let limiter: RequestLimiter
    /// The launches this server is running.
    public let runner = BackgroundTasks()
    let receivers: ProjectReceivers

    public struct Limits: Sendable {
        public var maxBodyBytes: Int
        /// Requests a token may make at once, then ``perSecond`` on average.
        public var burst: Int
        public var perSecond: Double
        /// How long one Server-Sent Events stream stays open before the client reconnects (with `Last-Event-ID`).
        public var streamLifetime: Duration

        public init(
            maxBodyBytes: Int = 64 * 1024, burst: Int = 60, perSecond: Double = 20,
            streamLifetime: Duration = .seconds(600)
        ) {
            self.maxBodyBytes = maxBodyBytes
            self.burst = burst
            self.perSecond = perSecond
            self.streamLifetime = streamLifetime
        }
    }

    public init(
        projects: ProjectService, launches: LaunchService, tokens: AccessTokenService, audit: AuditLog,
        connections: ConnectionService, apply: ApplyService, checklist: any ChecklistStore, events: any EventStore,
        limits: Limits = Limits(), logger: Logger = WebhookServer.defaultLogger
    ) {
        self.projects = projects
        self.launches = launches
        self.tokens = tokens
        self.audit = audit
        self.connections = connections
        self.apply = apply
        self.checklist = checklist
        self.events = events
        self.limits = limits
        self.logger = logger
        self.limiter = RequestLimiter(burst: limits.burst, perSecond: limits.perSecond)
        self.receivers = ProjectReceivers(projects: projects, connections: connections, events: events)
    }

    /// Receives the webhooks of projects made through the API: set as the server's `projectIngest`.
    public var projectIngest:
        @Sendable (_ project: String, _ environment: DeploymentEnvironment) async -> (WebhookIngestService, String?)?
    {
        let receivers = receivers
        return { project, environment in await receivers.receiver(project, environment) }
    }

    /// The cookie the dashboard keeps the token in (HttpOnly, SameSite=Strict).
    public static let cookieName = "sheen_token"

    /// Adds every API route to `router`.
    public func register(on router: Router<BasicRequestContext>) {
        registerProjects(on: router)
        registerConnections(on: router)
        registerLaunches(on: router)
        registerEvents(on: router)
        route(router, .get, "/v1/audit", scope: .admin, project: false) { call in
            let project = call.query("project")
            if let project, !call.token.allows(project: project) { throw APIFailure.forbiddenProject(project) }
            guard project != nil || call.token.allows(project: AccessToken.everyProject) else {
                throw APIFailure.needsProject
            }
            let entries = try await audit.entries(project: project, limit: try call.limit())
            return APIResponse.json(.ok, AuditJSON.List(entries: entries.map(AuditJSON.init)), correlation: call.id)
        }
    }

    // MARK: The route wrapper

    typealias Handler = @Sendable (APICall) async throws -> Response

    /// Registers `handler` at `method path` behind the correlation id, authentication, scope and project checks, the
    /// rate limit, and the mapping of every refusal to the one error shape.
    func route(
        _ router: Router<BasicRequestContext>, _ method: HTTPRequest.Method, _ path: String,
        scope: AccessToken.Scope, project: Bool = true, handler: @escaping Handler
    ) {
        let api = self
        router.on(RouterPath(path), method: method) { request, context -> Response in
            let correlation = Self.correlationID(request)
            var logger = api.logger
            logger[metadataKey: "correlation_id"] = .string(correlation)
            do {
                let token: AccessToken
                do {
                    token = try await api.authenticate(request)
                } catch APIFailure.unauthenticated(let malformed) {
                    // Failed attempts share one bucket, so guessing at tokens is as slow as one busy client.
                    if let wait = api.limiter.admit("unauthenticated") { throw APIFailure.rateLimited(wait) }
                    throw APIFailure.unauthenticated(malformed: malformed)
                }
                if let wait = api.limiter.admit(token.id) {
                    throw APIFailure.rateLimited(wait)
                }
                guard token.scopes.contains(scope) else { throw APIFailure.missingScope(scope) }
                var name: String?
                if project {
                    let value = context.parameters.get("project") ?? ""
                    guard token.allows(project: value) else { throw APIFailure.forbiddenProject(value) }
                    name = value
                }
                let call = APICall(
                    request: request, context: context, token: token, id: correlation, project: name, logger: logger,
                    maxBodyBytes: api.limits.maxBodyBytes)
                return try await handler(call)
            } catch {
                return api.failure(error, correlation: correlation, logger: logger)
            }
        }
    }

    func failure(_ error: any Error, correlation: String, logger: Logger) -> Response {
        switch error {
        case let failure as APIFailure:
            return failure.response(correlation: correlation)
        case let error as ConsoleError:
            if case .store(let reason) = error {
                logger.error("store unavailable", metadata: ["reason": .string(reason)])
            }
            return APIResponse.error(
                APIResponse.status(of: error), code: error.code, error.message, field: error.field,
                correlation: correlation)
        case let error as ConnectionError:
            return APIResponse.error(
                .unprocessableContent, code: "connection-refused", error.message, correlation: correlation)
        case let error as ApplicationError:
            return APIResponse.error(
                .unprocessableContent, code: "plan-refused", error.message, correlation: correlation)
        default:
            // Never the error itself: it may name a file, a host or worse. The log has it, under the same id.
            logger.error("request failed", metadata: ["error": .string(String(describing: type(of: error)))])
            return APIResponse.error(
                .internalServerError, code: "internal",
                LocalizedText(
                    en: "something went wrong on the server; quote \(correlation) when asking for help",
                    ar: "حدث خطأ في الخادم؛ اذكر \(correlation) عند طلب المساعدة"),
                correlation: correlation)
        }
    }

    /// The token the request carries: `Authorization: Bearer …`, else the dashboard's cookie.
    func authenticate(_ request: Request) async throws -> AccessToken {
        var secret: String?
        if let header = request.headers[.authorization] {
            guard header.lowercased().hasPrefix("bearer ") else { throw APIFailure.unauthenticated(malformed: true) }
            secret = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        } else if let cookie = Self.cookie(Self.cookieName, in: request) {
            // A cookie rides along with cross-site requests; only a page of this origin may write with it.
            if request.method != .get, let origin = request.headers[.origin],
                URL(string: origin).flatMap({ url in
                    url.host.map { host in
                        url.port.map { "\(host):\($0)" } ?? host
                    }
                }) != request.head.authority
            {
                throw APIFailure.crossOrigin
            }
            secret = cookie
        }
        guard let secret, !secret.isEmpty else { throw APIFailure.unauthenticated(malformed: false) }
        guard let token = try await tokens.authenticate(secret) else {
            throw APIFailure.unauthenticated(malformed: false)
        }
        return token
    }

    static func cookie(_ name: String, in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if parts.count == 2, parts[0] == name { return parts[1] }
            }
        }
        return nil
    }

    /// The caller's `X-Request-Id` when it is short and plain (so it cannot forge log lines), else a new UUID.
    static func correlationID(_ request: Request) -> String {
        if let given = request.headers[APIResponse.correlationHeader], (1...128).contains(given.count),
            given.unicodeScalars.allSatisfy({
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                    || "-_.:".unicodeScalars
                        .contains($0)
            })
        {
            return given
        }
        return UUID().uuidString.lowercased()
    }
}

/// What a route handler gets: the request, its verified token and project, and the correlation id.
struct APICall: Sendable {
    let request: Request
    let context: BasicRequestContext
    let token: AccessToken
    let id: String
    /// The `{project}` of the path, already checked against the token.
    let project: String?
    let logger: Logger
    let maxBodyBytes: Int

    var projectName: String { project ?? "" }

    func query(_ name: String) -> String? { request.uri.queryParameters.get(name) }

    func parameter(_ name: String) -> String { context.parameters.get(name) ?? "" }

    /// `?limit=` between 1 and 1,000 (default 100).
    func limit() throws -> Int {
        guard let text = query("limit") else { return 100 }
        guard let value = Int(text), (1...1000).contains(value) else {
            throw APIFailure.invalid(
                field: "limit",
                LocalizedText(en: "limit is a whole number from 1 to 1000", ar: "limit عدد صحيح من 1 إلى 1000"))
        }
        return value
    }

    /// `?environment=` (default dev).
    func environment() throws -> DeploymentEnvironment {
        guard let text = query("environment") else { return .dev }
        guard let value = DeploymentEnvironment(rawValue: text) else {
            throw APIFailure.invalid(
                field: "environment",
                LocalizedText(en: "environment is dev, staging or prod", ar: "environment إحدى: dev أو staging أو prod")
            )
        }
        return value
    }

    /// The body as JSON `T`, refused with 413 past the limit and 400 when it is not `T`; an empty body is `{}`.
    func decode<T: Decodable>(_ type: T.Type) async throws -> T {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
            throw APIFailure.tooLarge(maxBodyBytes)
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBodyBytes)
        } catch {
            throw APIFailure.tooLarge(maxBodyBytes)
        }
        let data = buffer.readableBytes == 0 ? Data("{}".utf8) : Data(buffer.readableBytesView)
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw APIFailure.badJSON(error)
        } catch {
            throw APIFailure.badJSON(nil)
        }
    }
}
