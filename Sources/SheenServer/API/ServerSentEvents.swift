import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle

/// A Server-Sent Events stream fed by polling the store, so a launch running in another server process sharing the
/// database streams the same. Each event carries an `id:`; a client that reconnects sends `Last-Event-ID` and
/// resumes after it. The stream ends when `next` says it is done, after `lifetime` (the client reconnects), or when
/// the server shuts down.
struct ServerSentEvents: Sendable {
    struct Event: Sendable {
        var id: Int
        var name: String
        var data: String
    }

    /// Called with the last id sent; returns what is new and whether the stream is complete.
    typealias Next = @Sendable (_ after: Int) async throws -> (events: [Event], done: Bool)

    var interval: Duration = .milliseconds(250)
    var keepAlive: Duration = .seconds(15)
    var lifetime: Duration

    func response(after start: Int, correlation: String, next: @escaping Next) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[APIResponse.correlationHeader] = correlation
        let (interval, keepAlive, lifetime) = (interval, keepAlive, lifetime)
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                let clock = ContinuousClock()
                let end = clock.now.advanced(by: lifetime)
                var last = start
                var quietSince = clock.now
                // A client waits for the first byte; `retry:` also tells it how soon to reconnect.
                try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
                while clock.now < end, !Task.isCancelled, !Task.isShuttingDownGracefully {
                    let (events, done) = try await next(last)
                    for event in events {
                        try await writer.write(ByteBuffer(string: Self.frame(event)))
                        last = event.id
                        quietSince = clock.now
                    }
                    if done { break }
                    if clock.now - quietSince >= keepAlive {
                        try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                        quietSince = clock.now
                    }
                    try await Task.sleep(for: interval)
                }
                try await writer.finish(nil)
            })
    }

    /// One event: a data line per line of the payload, as the format requires.
    static func frame(_ event: Event) -> String {
        let data = event.data.split(separator: "\n", omittingEmptySubsequences: false).map { "data: \($0)" }
        return "id: \(event.id)\nevent: \(event.name)\n" + data.joined(separator: "\n") + "\n\n"
    }

    /// Where to resume: `Last-Event-ID`, else `?after=`, else the start.
    static func resumePoint(_ request: Request) -> Int {
        if let header = request.headers[APIResponse.lastEventHeader], let id = Int(header), id >= 0 {
            return id
        }
        return request.uri.queryParameters.get("after").flatMap(Int.init).map { max(0, $0) } ?? 0
    }
}
