import Foundation
import SheenModel
import Testing

@testable import SheenWebhooks

/// The boundary matrix for every signing scheme: a delivery signed at `now`, then changed one way at a time.
@Suite("Webhook verification boundaries")
struct BoundaryTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let secrets: [WebhookScheme: String] = [
        .stripe: "whsec_test_secret_boundary", .standardWebhooks: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        .github: "github-secret", .slack: "8f742231b10e8888abcd99yyyzzz85a5", .twilio: "12345",
        .paymob: "97A5B79200124C9E94E9D73763265D20", .tap: "sk_test_boundary",
    ]
    static let signatureHeader: [WebhookScheme: String] = [
        .stripe: "Stripe-Signature", .standardWebhooks: "webhook-signature", .github: "X-Hub-Signature-256",
        .slack: "X-Slack-Signature", .twilio: "X-Twilio-Signature", .tap: "hashstring",
    ]

    static func body(for scheme: WebhookScheme) -> Data {
        switch scheme {
        case .twilio: Data("CallSid=CA123&Digits=1234&From=%2B14158675309".utf8)
        case .paymob:
            Data(
                #"{"type":"TRANSACTION","obj":{"id":1,"amount_cents":50000,"created_at":"2026-01-01T00:00:00","currency":"EGP","error_occured":false,"has_parent_transaction":false,"integration_id":7,"is_3d_secure":true,"is_auth":false,"is_capture":false,"is_refunded":false,"is_standalone_payment":true,"is_voided":false,"order":{"id":9},"owner":3,"pending":false,"source_data":{"pan":"2346","sub_type":"MasterCard","type":"card"},"success":true}}"#
                    .utf8)
        case .tap:
            Data(
                #"{"object":"charge","id":"chg_1","amount":12.5,"currency":"SAR","status":"CAPTURED","reference":{"gateway":"g1","payment":"p1"},"transaction":{"created":"1800000000000"}}"#
                    .utf8)
        default: Data(#"{"id":"evt_1","type":"payment.captured","amount":1000}"#.utf8)
        }
    }

    static let url = "https://hooks.example.sa/v1/webhooks/p/c?x=1"
    let verifier = WebhookVerifier()

    func signed(_ scheme: WebhookScheme, at time: Date = now, body: Data? = nil) async throws -> WebhookRequest {
        try await verifier.sign(
            body: body ?? Self.body(for: scheme), scheme: scheme, secret: Self.secrets[scheme] ?? "", now: time,
            id: "msg_1", url: Self.url)
    }

    func verdict(_ request: WebhookRequest, _ scheme: WebhookScheme, secret: String? = nil) async -> Verdict {
        await verifier.verify(request, scheme: scheme, secret: secret ?? Self.secrets[scheme] ?? "", now: Self.now)
    }

    static let signing: [WebhookScheme] = [.stripe, .standardWebhooks, .github, .slack, .twilio, .paymob, .tap]

    @Test("a fresh delivery is genuine; a wrong secret is not", arguments: signing)
    func baseline(scheme: WebhookScheme) async throws {
        let request = try await signed(scheme)
        #expect(await verdict(request, scheme) == .genuine)
        let wrong =
            scheme == .standardWebhooks ? "whsec_" + Data(repeating: 7, count: 24).base64EncodedString() : "wrong"
        #expect(await verdict(request, scheme, secret: wrong) == .rejected(.noSignatureMatches))
    }

    @Test("a missing or malformed signature is named", arguments: signing)
    func missingAndMalformed(scheme: WebhookScheme) async throws {
        var request = try await signed(scheme)
        if scheme == .paymob {
            request.url = Self.url
            #expect(await verdict(request, scheme) == .rejected(.noSignatureHeader("hmac")))
            request.url = Self.url + "&hmac=zz"
            #expect(await verdict(request, scheme) == .rejected(.malformedSignature("hmac")))
            return
        }
        let header = try #require(Self.signatureHeader[scheme])
        var missing = request
        missing.headers = WebhookHeaders(
            request.headers.fields.filter { $0.name.caseInsensitiveCompare(header) != .orderedSame })
        #expect(await verdict(missing, scheme) == .rejected(.noSignatureHeader(header)))
        request.headers.set(header, "%%%not-a-signature")
        let result = await verdict(request, scheme)
        #expect(result != .genuine)
        if case .rejected(let rejection) = result {
            #expect(["malformed-signature", "no-signature-matches"].contains(rejection.code))
        }
    }

    @Test("one changed byte of the body fails", arguments: signing)
    func oneByte(scheme: WebhookScheme) async throws {
        var request = try await signed(scheme)
        let original = String(decoding: request.body, as: UTF8.self)
        // Change a signed value: a digit of the amount (or of a form parameter).
        let changed = original.replacingOccurrences(
            of: scheme == .twilio ? "1234" : (scheme == .tap ? "12.5" : "000"),
            with: scheme == .twilio ? "1235" : (scheme == .tap ? "12.6" : "001"))
        #expect(changed != original)
        request.body = Data(changed.utf8)
        #expect(await verdict(request, scheme) == .rejected(.noSignatureMatches))
    }

    @Test("re-serialised JSON fails where the raw body is signed, and passes where only fields are")
    func reserialised() async throws {
        for scheme in [WebhookScheme.stripe, .standardWebhooks, .github, .slack, .paymob, .tap] {
            var request = try await signed(scheme)
            let object = try JSONSerialization.jsonObject(with: request.body)
            request.body = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            let expected: Verdict = [.paymob, .tap].contains(scheme) ? .genuine : .rejected(.noSignatureMatches)
            #expect(await verdict(request, scheme) == expected, "\(scheme)")
        }
    }

    @Test(
        "timestamps: ±299 s accepted, ±301 s rejected, in both directions",
        arguments: [WebhookScheme.stripe, .standardWebhooks, .slack])
    func tolerance(scheme: WebhookScheme) async throws {
        for offset in [-299, 299] {
            let request = try await signed(scheme, at: Self.now.addingTimeInterval(TimeInterval(offset)))
            #expect(await verdict(request, scheme) == .genuine, "\(offset)")
        }
        for offset in [-301, 301] {
            let request = try await signed(scheme, at: Self.now.addingTimeInterval(TimeInterval(offset)))
            #expect(
                await verdict(request, scheme) == .rejected(.timestampOutsideTolerance(offset: offset)), "\(offset)")
        }
    }

    @Test("several signatures, one valid, pass; header names in any case")
    func severalAndCase() async throws {
        var stripe = try await signed(.stripe)
        let header = try #require(stripe.headers["stripe-signature"])
        stripe.headers = WebhookHeaders([
            (
                "STRIPE-SIGNATURE",
                header.replacingOccurrences(of: ",v1=", with: ",v1=\(String(repeating: "0", count: 64)),v1=")
            )
        ])
        #expect(await verdict(stripe, .stripe) == .genuine)
        var standard = try await signed(.standardWebhooks)
        let signature = try #require(standard.headers["webhook-signature"])
        standard.headers.set(
            "Webhook-Signature", "v1,\(Data(repeating: 1, count: 32).base64EncodedString()) \(signature)")
        #expect(await verdict(standard, .standardWebhooks) == .genuine)
        var github = try await signed(.github)
        github.headers = WebhookHeaders(github.headers.fields.map { ($0.name.lowercased(), $0.value) })
        #expect(await verdict(github, .github) == .genuine)
    }

    @Test("Twilio: the URL must be given and must be the one signed; a JSON body must match bodySHA256")
    func twilioURL() async throws {
        var request = try await signed(.twilio)
        request.url = nil
        #expect(await verdict(request, .twilio) == .rejected(.urlRequired))
        request.url = "https://hooks.example.sa/v1/webhooks/p/c?x=2"
        #expect(await verdict(request, .twilio) == .rejected(.noSignatureMatches))
        let json = Data(#"{"property": "value"}"#.utf8)
        let hash = Digest.hex(Digest.sha256(json))
        let signedJSON = try await verifier.sign(
            body: json, scheme: .twilio, secret: "12345", url: Self.url + "&bodySHA256=\(hash)")
        #expect(await verdict(signedJSON, .twilio) == .genuine)
        var edited = signedJSON
        edited.body = Data(#"{"property": "other"}"#.utf8)
        #expect(await verdict(edited, .twilio) == .rejected(.bodyHashMismatch))
    }

    @Test("headers parse from curl -D output: a status line, CRLFs, any case")
    func headerLines() {
        let headers = WebhookHeaders(
            lines: "HTTP/1.1 200 OK\r\nstripe-signature: t=1,v1=ab\r\nContent-Type:  application/json\r\n\r\n")
        #expect(headers["Stripe-Signature"] == "t=1,v1=ab")
        #expect(headers["content-type"] == "application/json")
        #expect(headers.fields.count == 2)
    }

    @Test("scheme ids and their old names")
    func ids() {
        #expect(WebhookScheme(id: "svix") == .standardWebhooks)
        #expect(WebhookScheme(id: "stripe-v1") == .stripe)
        #expect(WebhookScheme(id: "tamara-jwt") == .tamara)
        #expect(WebhookScheme(id: "nope") == nil)
    }
}

@Suite("Scheme names across modules")
struct SchemeNameTests {
    @Test("every scheme a manifest can name, and every old alias, is one SheenWebhooks verifies")
    func agree() {
        for scheme in ProviderManifest.Webhooks.Scheme.allCases {
            #expect(WebhookScheme(rawValue: scheme.rawValue) != nil, "\(scheme.rawValue)")
        }
        for (alias, scheme) in ProviderManifest.Webhooks.Scheme.aliases {
            #expect(WebhookScheme(id: alias)?.rawValue == scheme.rawValue, "\(alias)")
        }
    }
}
