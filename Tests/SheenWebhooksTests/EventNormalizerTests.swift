import Foundation
import Testing

@testable import SheenWebhooks

@Suite("Normalised webhook events")
struct EventNormalizerTests {
    func event(
        _ scheme: WebhookScheme, _ body: String, headers: [String: String] = [:], url: String? = nil
    ) -> WebhookEvent {
        EventNormalizer.normalize(
            WebhookRequest(headers: WebhookHeaders(headers), body: Data(body.utf8), url: url), provider: "p",
            scheme: scheme)
    }

    @Test("Stripe: the event id dedups; type, object, time and mode are read")
    func stripe() {
        let value = event(
            .stripe,
            #"{"id":"evt_1","type":"checkout.session.completed","created":1800000000,"livemode":false,"data":{"object":{"id":"cs_1"}}}"#
        )
        #expect(value.dedupKey == "event:evt_1")
        #expect(value.type == "checkout.session.completed" && value.objectID == "cs_1" && value.live == false)
        #expect(value.occurredAt == Date(timeIntervalSince1970: 1_800_000_000))
    }

    @Test("Tap, Tabby and Paymob reuse one id across a payment's states: a CAPTURED after an INITIATED is new")
    func perStatus() {
        let initiated = event(.tap, #"{"object":"charge","id":"chg_1","status":"INITIATED"}"#)
        let captured = event(.tap, #"{"object":"charge","id":"chg_1","status":"CAPTURED"}"#)
        #expect(initiated.dedupKey != captured.dedupKey)
        #expect(captured.type == "charge.captured")
        #expect(
            event(.tap, #"{"object":"charge","id":"chg_1","status":"CAPTURED","amount":1}"#).dedupKey
                == captured.dedupKey)
        let declined = event(.paymob, #"{"obj":{"id":7,"success":false,"pending":false}}"#)
        let paid = event(.paymob, #"{"obj":{"id":7,"success":true,"pending":false}}"#)
        #expect(declined.type == "transaction.declined" && paid.type == "transaction.captured")
        #expect(declined.dedupKey != paid.dedupKey)
        #expect(event(.tabby, #"{"id":"pay_1","status":"AUTHORIZED"}"#).type == "payment.authorized")
    }

    @Test("Standard Webhooks dedups on webhook-id; a body with nothing to key on dedups on its hash")
    func fallbacks() {
        let standard = event(
            .standardWebhooks, #"{"type":"email.delivered","data":{"id":"em_1"}}"#,
            headers: ["webhook-id": "msg_9", "webhook-timestamp": "1800000000"])
        #expect(standard.dedupKey == "event:msg_9" && standard.objectID == "em_1")
        let first = event(.urlToken, #"{"results":[{"status":{"name":"DELIVERED"}}]}"#)
        #expect(first.type == "DELIVERED" && first.dedupKey.hasPrefix("body:"))
        #expect(event(.urlToken, #"{"results":[{"status":{"name":"DELIVERED"}}] }"#).dedupKey != first.dedupKey)
    }

    @Test("Twilio keys on the message and its status, from the form body")
    func twilio() {
        let sent = event(.twilio, "MessageSid=SM1&MessageStatus=sent", url: "https://h.example/t")
        let delivered = event(.twilio, "MessageSid=SM1&MessageStatus=delivered", url: "https://h.example/t")
        #expect(sent.dedupKey == "object:SM1:sent" && delivered.type == "message.delivered")
    }
}
