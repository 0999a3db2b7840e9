import Foundation
import Testing

@testable import SheenSecrets

@Suite("Redaction")
struct RedactorTests {
    let secret = "sk_test_Canary/42+\"x"

    @Test("a secret is masked as is, base64, URL-safe base64, hex and JSON- or percent-escaped")
    func forms() throws {
        let redactor = Redactor(secrets: [secret])
        let bytes = Data(secret.utf8)
        let spellings = [
            secret, bytes.base64EncodedString(),
            bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(
                of: "/", with: "_"
            ).replacingOccurrences(of: "=", with: ""),
            bytes.map { String(format: "%02x", $0) }.joined(),
            String(decoding: try JSONEncoder().encode(secret), as: UTF8.self).dropFirst().dropLast().description,
            secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!,
        ]
        for spelling in spellings {
            let text = "before \(spelling) after"
            #expect(redactor.redact(text) == "before \(Redactor.mask) after", "\(spelling)")
        }
    }

    @Test("authorization and signature headers are masked inside free text and in header lists")
    func headers() {
        let text = "POST /v2/charges\nAuthorization: Bearer abc.def\nStripe-Signature: t=1,v1=ff\nAccept: json"
        let redacted = Redactor.none.redact(text)
        #expect(!redacted.contains("abc.def"))
        #expect(!redacted.contains("v1=ff"))
        #expect(redacted.contains("Accept: json"))
        let json = Redactor.none.redact(#"{"headers":{"authorization":"Basic dXNlcjpwYXNz","accept":"json"}}"#)
        #expect(json == #"{"headers":{"authorization":"[redacted]","accept":"json"}}"#)
        let headers = Redactor.redact(headers: [("X-Api-Key", "k-123456"), ("Content-Type", "application/json")])
        #expect(headers.map(\.value) == [Redactor.mask, "application/json"])
    }

    @Test("short values are not treated as secrets, so ordinary words survive")
    func short() {
        #expect(Redactor(secrets: ["abc"]).redact("abc abcdef") == "abc abcdef")
    }
}
