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

    /// Signs and sends `body` to `url` in the background (late, or twice, when `faults` say so), and records each
    /// outcome in `store`'s ledger as `webhook.delivered` or `webhook.failed` of `id`.
    public func deliver<World: SimulatorWorld>(
        _ body: Data, to url: String, scheme: WebhookScheme, secret: String, faults: FaultPlan = FaultPlan(),
        ledger store: SimulatorStore<World>, id: String, key: String?, now: @escaping @Sendable () -> Date
    ) {
        let copies = faults.duplicateWebhooks ? 2 : 1
        let delay = Duration.milliseconds(faults.webhookDelayMilliseconds)
        let attempts = attempts
        let backoff = backoff
        let http = http
        Task {
            if delay > .zero { try? await Task.sleep(for: delay) }
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
                        // The signer sets the content type (Twilio's callbacks are forms, the rest JSON).
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
                let kind = delivered ? "webhook.delivered" : "webhook.failed"
                _ = try? await store.mutate { world in world.record(kind, id, key: key, at: now()) }
            }
        }
    }
}
