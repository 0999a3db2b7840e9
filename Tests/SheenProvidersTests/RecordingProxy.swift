import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import SheenAuth
import Synchronization

/// A loopback server between an adapter and a simulator (or a webhook sender and nobody) that keeps every request it
/// sees, so a test can check what went over the wire, not what the code meant to send.
final class RecordingProxy: Sendable {
    struct Seen: Sendable {
        let method: String
        let path: String
        /// Names lowercased.
        let headers: [String: String]
        let body: Data

        var json: Any? { try? JSONSerialization.jsonObject(with: body) }
    }

    private let seen = Mutex<[Seen]>([])
    private let server = Mutex<LoopbackServer?>(nil)

    var requests: [Seen] { seen.withLock { $0 } }
    var base: String { "http://127.0.0.1:\(server.withLock { $0?.port ?? 0 })" }

    /// Starts forwarding to `upstream`; with none, answers every request `200 {}`.
    static func start(forwardingTo upstream: String?) async throws -> RecordingProxy {
        let proxy = RecordingProxy()
        let router = Router()
        router.on("**", method: .get) { request, _ in try await proxy.pass(request, to: upstream) }
        router.on("**", method: .post) { request, _ in try await proxy.pass(request, to: upstream) }
        router.on("**", method: .delete) { request, _ in try await proxy.pass(request, to: upstream) }
        let server = try await LoopbackServer.start(router)
        proxy.server.withLock { $0 = server }
        return proxy
    }

    func stop() { server.withLock { $0?.stop() } }

    private func pass(_ request: Request, to upstream: String?) async throws -> Response {
        var request = request
        let body = Data(try await request.collectBody(upTo: 1 << 20).readableBytesView)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
        seen.withLock {
            $0.append(Seen(method: request.method.rawValue, path: request.uri.path, headers: headers, body: body))
        }
        guard let upstream else {
            return Response(
                status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: .init(string: "{}")))
        }
        var outgoing = HTTPClientRequest(url: upstream + request.uri.description)
        outgoing.method = HTTPMethod(rawValue: request.method.rawValue)
        for field in request.headers where field.name != .contentLength {
            outgoing.headers.add(name: field.name.rawName, value: field.value)
        }
        if !body.isEmpty { outgoing.body = .bytes(ByteBuffer(bytes: body)) }
        let answer = try await HTTPClient.shared.execute(outgoing, timeout: .seconds(10))
        let answered = try await answer.body.collect(upTo: 1 << 20)
        var fields = HTTPFields()
        for header in answer.headers where header.name.lowercased() != "content-length" {
            if let name = HTTPField.Name(header.name) { fields.append(HTTPField(name: name, value: header.value)) }
        }
        return Response(
            status: .init(code: Int(answer.status.code)), headers: fields, body: .init(byteBuffer: answered))
    }
}
