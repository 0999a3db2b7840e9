import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Response and body helpers every simulator shares.
enum SimulatorHTTP {
    static func response(_ status: Int, _ body: Data, headers: [String: String] = [:]) -> Response {
        var fields: HTTPFields = [.contentType: "application/json"]
        for (name, value) in headers { if let name = HTTPField.Name(name) { fields[name] = value } }
        return Response(status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    static func encoded(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(value)
    }

    static func json(_ object: [String: any Sendable]) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    static func body(_ request: Request) async -> Data {
        var request = request
        guard let buffer = try? await request.collectBody(upTo: 1 << 20) else { return Data() }
        return Data(buffer.readableBytesView)
    }

    /// A random alphanumeric token, for secrets and ids the caller must not guess.
    static func token(_ length: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    /// The bearer token of `request`, if it sent one.
    static func bearer(_ request: Request) -> String? {
        guard let value = request.headers[.authorization], value.hasPrefix("Bearer ") else { return nil }
        return String(value.dropFirst(7))
    }

    /// Latency, counted faults and the rate limit before a request is looked at; the fault met, if any. A timeout
    /// stalls here before its connection is dropped.
    static func prelude(
        _ faults: Faults, _ requests: RequestCounter, documentedRate: Double? = nil
    ) async -> Faults.Injected? {
        requests.increment()
        let plan = faults.plan
        if plan.latencyMilliseconds > 0 { try? await Task.sleep(for: .milliseconds(plan.latencyMilliseconds)) }
        let (fault, stall) = faults.next(documentedRate: documentedRate)
        if let stall { try? await Task.sleep(for: stall) }
        return fault
    }

    /// A response that never arrives: the status line goes out, then the connection is closed mid-answer, as a
    /// reset or a proxy's idle cut looks to the caller.
    static func dropped() -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody(contentLength: 64) { _ in throw ConnectionDrop() })
    }
}

extension HTTPFields {
    /// The caller's `Idempotency-Key`, if it sent one.
    var idempotencyKey: String? { HTTPField.Name("Idempotency-Key").flatMap { self[$0] } }
}
