import Foundation
import Hummingbird
import Logging
import NIOCore
import SheenApplication
import SheenAuth
import SheenModel
import SheenWebhooks
import Synchronization

/// `sheen serve`: receives provider webhooks at `POST /v1/webhooks/{provider}/{connection}`, acknowledges each only
/// after it is durably stored, processes stored events in the background, purges what has outlived its retention,
/// and exposes `GET /healthz` and `GET /metrics`.
public struct WebhookServer: Sendable {
    /// The project whose webhooks this server receives; `nil` serves no webhook route (an API-only server).
    public let ingest: WebhookIngestService?
    public let processor: EventProcessor
    /// Bodies over this are refused with 413 before they are read whole.
    public var maxBodyBytes: Int
    /// The URL providers call (`webhooks.public_url`); Twilio signs it, so it must be exact.
    public var publicURL: String?
    public var processingInterval: Duration
    public var retention: EventRetention
    /// How often the retention purge runs while serving.
    public var purgeInterval: Duration
    public let metrics: IngestMetrics
    public var logger: Logger
    /// Runs after each processing pass that processed events: `sheen serve` re-judges the checklist there.
    public var afterProcessing: (@Sendable (Int) async -> Void)?
    /// More routes on the same port: the launch API and the dashboard.
    public var routes: [@Sendable (Router<BasicRequestContext>) -> Void] = []
    /// The receiver of a project made through the API, at `POST /projects/{project}/{environment}/v1/webhooks/…`:
    /// its ingest and the public base URL its providers were given (Twilio signs the exact URL); `nil` for a project
    /// that does not exist.
    public var projectIngest:
        (@Sendable (_ project: String, _ environment: DeploymentEnvironment) async -> (WebhookIngestService, String?)?)?

    public init(
        ingest: WebhookIngestService?, processor: EventProcessor, maxBodyBytes: Int = 1 << 20,
        publicURL: String? = nil, processingInterval: Duration = .milliseconds(200),
        retention: EventRetention = EventRetention(), purgeInterval: Duration = .seconds(3600),
        metrics: IngestMetrics = IngestMetrics(), logger: Logger = WebhookServer.defaultLogger
    ) {
        self.ingest = ingest
        self.processor = processor
        self.maxBodyBytes = maxBodyBytes
        self.publicURL = publicURL
        self.processingInterval = processingInterval
        self.retention = retention
        self.purgeInterval = purgeInterval
        self.metrics = metrics
        self.logger = logger
    }

    /// Warnings and errors only, unless `LOG_LEVEL` asks for more: a receiver's output is for operators.
    public static var defaultLogger: Logger {
        var logger = Logger(label: "sheen.serve")
        logger.logLevel =
            ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .warning
        return logger
    }

    /// The routes, for `start` and for tests.
    public func router(base: @escaping @Sendable () -> String) -> Router<BasicRequestContext> {
        let router = Router()
        let limit = maxBodyBytes
        let metrics = metrics
        router.get("healthz") { _, _ -> Response in Self.json(200, ["status": "ok"]) }
        router.get("metrics") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
        for add in routes { add(router) }
        if let projectIngest {
            router.post("projects/:project/:environment/v1/webhooks/:provider/:connection") { request, context in
                guard let environment = context.parameters.get("environment").flatMap(DeploymentEnvironment.init),
                    let (ingest, publicBase) = await projectIngest(
                        context.parameters.get("project") ?? "", environment)
                else {
                    let text = LocalizedText(en: "no such project", ar: "لا مشروع كهذا")
                    return Self.error(404, "unknown-project", text)
                }
                // The URL the provider was given, which Twilio signs: the project's public base and this path.
                let signedBase: @Sendable () -> String = { publicBase ?? base() }
                return await Self.count(request, context: context, ingest: ingest, limit: limit, metrics: metrics) {
                    signedBase()
                }
            }
        }
        guard let ingest else { return router }
        router.post("v1/webhooks/:provider/:connection") { request, context -> Response in
            await Self.count(request, context: context, ingest: ingest, limit: limit, metrics: metrics, base: base)
        }
        return router
    }

    /// Receives one delivery and counts it in the metrics.
    private static func count(
        _ request: Request, context: BasicRequestContext, ingest: WebhookIngestService, limit: Int,
        metrics: IngestMetrics, base: @escaping @Sendable () -> String
    ) async -> Response {
        let started = ContinuousClock.now
        let requested = context.parameters.get("provider") ?? ""
        // The path is the caller's to choose: only catalog ids become label values, so it cannot grow the series.
        let provider = ingest.connections.catalog.providers[requested] != nil ? requested : "unknown"
        metrics.received(provider)
        let response = await receive(request, context: context, ingest: ingest, limit: limit, base: base)
        switch response.outcome {
        case .stored(let duplicate): metrics.stored(provider, duplicate: duplicate)
        case .refused(let reason): metrics.rejected(provider, reason: reason)
        }
        metrics.acknowledged(after: ContinuousClock.now - started)
        return response.response
    }

    private enum Counted {
        case stored(duplicate: Bool)
        case refused(String)
    }

    private static func receive(
        _ request: Request, context: BasicRequestContext, ingest: WebhookIngestService, limit: Int,
        base: @Sendable () -> String
    ) async -> (response: Response, outcome: Counted) {
        guard let provider = context.parameters.get("provider"), let alias = context.parameters.get("connection") else {
            let text = LocalizedText(en: "no such route", ar: "لا يوجد مسار كهذا")
            return (error(404, "not-found", text), .refused("not-found"))
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            return (tooLarge(limit), .refused("too-large"))
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            return (tooLarge(limit), .refused("too-large"))
        }
        var headers = WebhookHeaders()
        for field in request.headers { headers.set(field.name.rawName, field.value) }
        let delivery = WebhookRequest(
            headers: headers, body: Data(buffer.readableBytesView), url: base() + request.uri.description)
        do {
            switch try await ingest.receive(provider: provider, alias: alias, request: delivery) {
            case .accepted(let result, let type):
                let body: [String: any Sendable] = ["id": result.id, "duplicate": result.duplicate, "type": type]
                return (json(200, body), .stored(duplicate: result.duplicate))
            case .rejected(let rejection):
                return (error(401, rejection.code, rejection.message), .refused(rejection.code))
            case .unknownConnection(let reference):
                let text = LocalizedText(en: "no connection \(reference)", ar: "لا يوجد اتصال \(reference)")
                return (error(404, "unknown-connection", text), .refused("unknown-connection"))
            case .notConfigured(let reason):
                return (error(503, "not-configured", reason), .refused("not-configured"))
            }
        } catch {
            // Never a stack trace or a store error's details: the provider retries a 5xx.
            let text = LocalizedText(en: "the delivery could not be stored", ar: "تعذر تخزين الإشعار")
            return (Self.error(500, "internal", text), .refused("store-error"))
        }
    }

    /// Listens on `host:port` (0: any free port), processes and purges in the background, and returns once the port
    /// is bound. A graceful shutdown (`Running.stop()`, or SIGTERM or SIGINT when `stopOnSignals`) stops accepting,
    /// answers the requests in flight (each only after its commit), then stops processing.
    public func start(host: String, port: Int, stopOnSignals: Bool = false) async throws(ServeError) -> Running {
        // The base URL needs the bound port when port 0 was asked for; the routes read it on each request.
        let bound = BoundBase(publicURL ?? "http://\(host):\(port)")
        let processing = ProcessingService(
            processor: processor, interval: processingInterval, retention: retention, purgeInterval: purgeInterval,
            metrics: metrics, logger: logger, afterProcessing: afterProcessing)
        let server: LoopbackServer
        do {
            server = try await LoopbackServer.start(
                router(base: { bound.value }), host: host, port: port, services: [processing],
                stopOnSignals: stopOnSignals, logger: logger)
        } catch {
            throw .cannotListen(host: host, port: port)
        }
        if publicURL == nil, port == 0 { bound.set("http://\(host):\(server.port)") }
        return Running(server: server)
    }

    public struct Running: Sendable {
        let server: LoopbackServer
        public var port: Int { server.port }

        /// Stops accepting, lets in-flight requests finish, then stops processing.
        public func stop() { server.stop() }

        /// Waits until the server has stopped.
        public func wait() async { await server.wait() }
    }

    static func tooLarge(_ limit: Int) -> Response {
        error(
            413, "too-large",
            LocalizedText(en: "the body is larger than \(limit) bytes", ar: "جسم الطلب أكبر من \(limit) بايت"))
    }

    static func error(_ status: Int, _ code: String, _ message: LocalizedText) -> Response {
        let message: [String: String] = ["en": message.en, "ar": message.ar]
        let error: [String: any Sendable] = ["code": code, "message": message]
        return json(status, ["error": error])
    }

    static func json(_ status: Int, _ body: [String: any Sendable]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(
            status: .init(code: status), headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// The base URL the routes sign against, known only once the port is bound.
final class BoundBase: Sendable {
    private let state: Mutex<String>
    init(_ value: String) { state = Mutex(value) }
    var value: String { state.withLock { $0 } }
    func set(_ value: String) { state.withLock { $0 = value } }
}
