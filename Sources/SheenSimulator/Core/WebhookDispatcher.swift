import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SheenWebhooks

/// Delivers a simulator's webhooks as the provider does: signed with the provider's scheme, POSTed to the registered
/// URL, retried with backoff until a 2xx or the last attempt. Each outcome is reported, for the ledger.
public struct WebhookDispatcher: Sendable {
    public var attempts: Int
    public var backoff: Duration
    let http: HTTPClient

    public init(attempts: Int = 4, backoff: Duration = .milliseconds(250), http: HTTPClient = .shared) {
        self.attempts = attempts
        self.backoff = backoff
        self.http = http
    }

    /// Signs and sends `body` to `url` in the background; `outcome` is called with whether it was acknowledged.
    public func deliver(
        _ body: Data, to url: String, scheme: WebhookScheme, secret: String, copies: Int = 1,
        outcome: @escaping @Sendable (_ delivered: Bool, _ attempts: Int) async -> Void
    ) {
        let attempts = attempts
        let backoff = backoff
        let http = http
        Task {
            for _ in 0..<copies {
                var tries = 0
                var delivered = false
                while tries < attempts, !delivered {
                    tries += 1
                    do {
                        let signed = try await WebhookVerifier().sign(
                            body: body, scheme: scheme, secret: secret, url: url)
                        var request = HTTPClientRequest(url: signed.url ?? url)
                        request.method = .POST
                        request.headers.add(name: "Content-Type", value: "application/json")
                        for field in signed.headers.fields { request.headers.add(name: field.name, value: field.value) }
                        request.body = .bytes(ByteBuffer(bytes: signed.body))
                        let response = try await http.execute(request, timeout: .seconds(10))
                        _ = try? await response.body.collect(upTo: 1 << 20)
                        delivered = (200..<300).contains(Int(response.status.code))
                    } catch {
                        delivered = false
                    }
                    if !delivered, tries < attempts { try? await Task.sleep(for: backoff * (1 << (tries - 1))) }
                }
                await outcome(delivered, tries)
            }
        }
    }
}
