import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// A one-shot HTTP listener on 127.0.0.1 and an ephemeral port, where the provider redirects the user's browser after
/// authorization. It answers the browser with a short page and hands the query to the waiting flow.
public final class LoopbackRedirectListener: Sendable {
    private let answer = Mutex<(query: [String: String]?, waiter: CheckedContinuation<[String: String], any Error>?)>(
        (nil, nil))
    private let server = Mutex<LoopbackServer?>(nil)

    public init() {}

    /// Starts listening; returns the redirect URI (`http://127.0.0.1:PORT/callback`).
    public func start() async throws(OAuthError) -> String {
        let router = Router()
        router.get("callback") { [self] request, _ -> Response in
            var query: [String: String] = [:]
            for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
            deliver(query)
            return Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                body: .init(
                    byteBuffer: ByteBuffer(
                        string:
                            "<!doctype html><meta charset=utf-8><p>Sheen received the authorization; you can close this tab.</p><p dir=rtl>تلقّى شين التفويض؛ يمكنك إغلاق هذه الصفحة.</p>"
                    )))
        }
        let server = try await LoopbackServer.start(router)
        self.server.withLock { $0 = server }
        return "http://127.0.0.1:\(server.port)/callback"
    }

    /// The redirect's query parameters, once the browser arrives; the listener stops either way.
    public func wait(timeout: Duration) async throws(OAuthError) -> [String: String] {
        defer { stop() }
        do {
            return try await withThrowingTaskGroup(of: [String: String].self) { group in
                group.addTask {
                    try await withCheckedThrowingContinuation { continuation in
                        let ready = self.answer.withLock { state -> [String: String]? in
                            if let query = state.query { return query }
                            state.waiter = continuation
                            return nil
                        }
                        if let ready { continuation.resume(returning: ready) }
                    }
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw OAuthError.timedOut
                }
                let first = try await group.next() ?? [:]
                group.cancelAll()
                return first
            }
        } catch let error as OAuthError {
            throw error
        } catch {
            throw .timedOut
        }
    }

    private func deliver(_ query: [String: String]) {
        let waiter = answer.withLock { state -> CheckedContinuation<[String: String], any Error>? in
            guard state.query == nil else { return nil }
            state.query = query
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: query)
    }

    public func stop() { server.withLock { $0?.stop() } }
}
