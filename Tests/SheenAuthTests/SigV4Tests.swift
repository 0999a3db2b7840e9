// swift-format-ignore-file: AlwaysUseLowerCamelCase
// Fields named as the vector file spells them.

import Foundation
import Testing

@testable import SheenAuth

/// AWS's Signature Version 4 test suite (`Vectors/aws_sigv4.json`, with its provenance): every case's signature and
/// signed-header list, and the header `sign` adds, reproduced exactly.
@Suite("AWS Signature Version 4")
struct SigV4Tests {
    struct Suite: Decodable {
        struct Case: Decodable {
            var name: String
            var method: String
            var path: String
            var query: [[String]]
            var headers: [String: String]
            var body: String
            var signed_headers: String
            var signature: String
        }
        var access_key_id: String
        var secret_access_key: String
        var region: String
        var service: String
        var date: String
        var cases: [Case]
    }

    static func suite() throws -> Suite {
        let url = try #require(Bundle.module.url(forResource: "Vectors/aws_sigv4", withExtension: "json"))
        return try JSONDecoder().decode(Suite.self, from: Data(contentsOf: url))
    }

    @Test("every published case signs to AWS's signature")
    func published() throws {
        let suite = try Self.suite()
        #expect(suite.cases.count >= 12)
        let signer = SigV4(region: suite.region, service: suite.service)
        let key = SigV4.Key(accessKeyID: suite.access_key_id, secretAccessKey: suite.secret_access_key)
        for vector in suite.cases {
            let headers = vector.headers.map { ($0.key, $0.value) }
            let query = vector.query.map { ($0[0], $0[1]) }
            let authorization = signer.authorization(
                key: key, method: vector.method, path: vector.path, query: query, headers: headers,
                body: Data(vector.body.utf8))
            #expect(
                authorization
                    == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=\(vector.signed_headers), Signature=\(vector.signature)",
                "\(vector.name)")
            let presented = try #require(SigV4.parse(authorization: authorization))
            #expect(presented.signature == vector.signature && presented.day == "20150830", "\(vector.name)")
        }
    }

    @Test("sign adds the date and a temporary key's token, and signs both; a changed body or token no longer matches")
    func signAddsHeaders() throws {
        let suite = try Self.suite()
        let signer = SigV4(region: "us-east-1", service: "sts")
        let key = SigV4.Key(
            accessKeyID: "ASIAEXAMPLE", secretAccessKey: suite.secret_access_key, sessionToken: "session-token")
        let date = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z
        let body = Data("Action=GetCallerIdentity&Version=2011-06-15".utf8)
        let base = [("Host", "sts.amazonaws.com"), ("Content-Type", "application/x-www-form-urlencoded")]
        let added = signer.sign(key: key, method: "POST", path: "/", query: [], headers: base, body: body, date: date)
        #expect(added.map(\.0) == ["X-Amz-Date", "X-Amz-Security-Token", "Authorization"])
        #expect(added[0].1 == "20150830T123600Z")
        let presented = try #require(SigV4.parse(authorization: added[2].1))
        #expect(presented.signedHeaders == ["content-type", "host", "x-amz-date", "x-amz-security-token"])
        #expect(presented.service == "sts" && presented.accessKeyID == "ASIAEXAMPLE")
        let again = signer.signature(
            secret: suite.secret_access_key, method: "POST", path: "/", query: [], headers: base + added.dropLast(),
            body: body)
        #expect(again.signature == presented.signature)
        let tampered = signer.signature(
            secret: suite.secret_access_key, method: "POST", path: "/", query: [], headers: base + added.dropLast(),
            body: Data("Action=GetCallerIdentity&Version=2011-06-16".utf8))
        #expect(tampered.signature != presented.signature)
        #expect(SigV4.parse(authorization: "Bearer abc") == nil)
        #expect(SigV4.parse(authorization: "AWS4-HMAC-SHA256 Credential=A/B, Signature=x") == nil)
    }
}
