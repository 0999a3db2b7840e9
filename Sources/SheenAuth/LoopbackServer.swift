import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// Serves `router` on 127.0.0.1 and a port the system picks, and says which: the shape of every short-lived local
/// server Sheen runs (the OAuth redirect listener, the simulators and test servers).
public struct LoopbackServer: Sendable {
    public let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// Starts serving (on `host` and `port`; port 0 lets the system pick); returns once the port is bound.
    ///
    /// `services` run beside the HTTP server and are shut down after it (a receiver's background processing).
    /// With `stopOnSignals`, SIGTERM and SIGINT start the graceful shutdown; they are trapped before the port is bound,
    /// so a stop asked for right after the server announces itself is never lost.
    /// `server` is HTTP/1.1 unless the caller wraps it (the sandbox's HTTPS site passes `.tls(…)`).
    public static func start(
        _ router: Router<BasicRequestContext>, host: String = "127.0.0.1", port requested: Int = 0,
        server: HTTPServerBuilder = .http1(), services: [any Service] = [], stopOnSignals: Bool = false,
        logger: Logger = LoopbackServer.quietLogger
    ) async throws(OAuthError) -> LoopbackServer {
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, server: server, configuration: .init(address: .hostname(host, port: requested)),
            services: services,
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            }, logger: logger)
        let group = ServiceGroup(
            configuration: .init(
                services: [app], gracefulShutdownSignals: stopOnSignals ? [.sigterm, .sigint] : [], logger: logger))
        // A bind that fails ends the run without announcing a port: finishing the stream then reports it, not hangs.
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        var port = 0
        for await value in stream { port = value }
        guard port > 0 else {
            task.cancel()
            throw .unreachable("the server could not listen on \(host):\(requested)")
        }
        return LoopbackServer(port: port, group: group, task: task)
    }

    /// Warnings and errors only: these servers' output is for operators and tests.
    public static var quietLogger: Logger {
        var logger = Logger(label: "sheen.loopback")
        logger.logLevel = .warning
        return logger
    }

    /// Stops accepting and lets the requests in flight finish (a graceful shutdown, not a cancellation).
    public func stop() {
        let group = group
        Task { await group.triggerGracefulShutdown() }
    }

    /// Waits until the server stops (it was stopped, or failed).
    public func wait() async { _ = await task.result }
}
