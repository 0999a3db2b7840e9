import Foundation
import Hummingbird
import NIOCore
import SheenApplication
import SheenAuth
import SheenModel
import SheenWebhooks
import Synchronization

/// `sheen serve`: receives provider webhooks at `POST /v1/webhooks/{provider}/{connection}`, acknowledges each only
/// after it is durably stored, and processes stored events in the background.
public struct WebhookServer: Sendable {
    public let ingest: WebhookIngestService
    public let processor: EventProcessor
    /// Bodies over this are refused with 413 before they are read whole.
    public var maxBodyBytes: Int
    /// The URL providers call (`webhooks.public_url`); Twilio signs it, so it must be exact.
    public var publicURL: String?
    public var processingInterval: Duration

    public init(
        ingest: WebhookIngestService, processor: EventProcessor, maxBodyBytes: Int = 1 << 20,
        publicURL: String? = nil, processingInterval: Duration = .milliseconds(200)
    ) {
        self.ingest = ingest
        self.processor = processor
        self.maxBodyBytes = maxBodyBytes
        self.publicURL = publicURL
        self.processingInterval = processingInterval
    }

    /// The routes, for `start` and for tests.
    public func router(base: @escaping @Sendable () -> String) -> Router<BasicRequestContext> {
        let router = Router()
        let ingest = ingest
        let limit = maxBodyBytes
        router.get("healthz") { _, _ -> Response in Self.json(200, ["status": "ok"]) }
        router.post("v1/webhooks/:provider/:connection") { request, context -> Response in
            guard let provider = context.parameters.get("provider"), let alias = context.parameters.get("connection")
            else { return Self.error(404, "not-found", LocalizedText(en: "no such route", ar: "لا يوجد مسار كهذا")) }
            if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
                return Self.tooLarge(limit)
            }
            let buffer: ByteBuffer
            do {
                buffer = try await request.body.collect(upTo: limit)
            } catch {
                return Self.tooLarge(limit)
            }
            var headers = WebhookHeaders()
            for field in request.headers { headers.set(field.name.rawName, field.value) }
            let delivery = WebhookRequest(
                headers: headers, body: Data(buffer.readableBytesView), url: base() + request.uri.description)
            do {
                switch try await ingest.receive(provider: provider, alias: alias, request: delivery) {
                case .accepted(let result, let type):
                    return Self.json(
                        200, ["id": result.id, "duplicate": result.duplicate, "type": type] as [String: any Sendable])
                case .rejected(let rejection):
                    return Self.error(401, rejection.code, rejection.message)
                case .unknownConnection(let reference):
                    return Self.error(
                        404, "unknown-connection",
                        LocalizedText(en: "no connection \(reference)", ar: "لا يوجد اتصال \(reference)"))
                case .notConfigured(let reason):
                    return Self.error(503, "not-configured", reason)
                }
            } catch {
                // Never a stack trace or a store error's details: the provider retries a 5xx.
                return Self.error(
                    500, "internal", LocalizedText(en: "the delivery could not be stored", ar: "تعذر تخزين الإشعار"))
            }
        }
        return router
    }

    /// Listens on `host:port` (0: any free port) and starts processing; returns the running server.
    public func start(host: String, port: Int) async throws -> Running {
        let base = publicURL ?? "http://\(host):\(port)"
        // The base URL needs the bound port when port 0 was asked for; the routes read it on each request.
        let bound = BoundBase(base)
        let server = try await LoopbackServer.start(router(base: { bound.value }), host: host, port: port)
        if publicURL == nil, port == 0 { bound.set("http://\(host):\(server.port)") }
        let processor = processor
        let interval = processingInterval
        let loop = Task {
            while !Task.isCancelled {
                _ = try? await processor.runOnce()
                try? await Task.sleep(for: interval)
            }
        }
        return Running(server: server, loop: loop)
    }

    public struct Running: Sendable {
        let server: LoopbackServer
        let loop: Task<Void, Never>
        public var port: Int { server.port }

        /// Stops accepting, lets in-flight requests finish (each is answered only after its commit), stops processing.
        public func stop() {
            server.stop()
            loop.cancel()
        }

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
