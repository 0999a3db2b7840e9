import Crypto
import Foundation

/// AWS Signature Version 4 (docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html):
/// a canonical request, the string to sign over its SHA-256, and an HMAC-SHA256 chain that derives the signing key
/// from the secret, the date, the region and the service. Checked against AWS's published test suite
/// (`Tests/SheenAuthTests/Vectors/aws_sigv4.json`). The simulator verifies with the same code, so what it accepts is exactly
/// what this signs; the vectors keep both honest.
public struct SigV4: Sendable {
    public struct Key: Sendable {
        public var accessKeyID: String
        public var secretAccessKey: String
        /// Temporary (`ASIA…`) keys are valid only with their session token, sent as `X-Amz-Security-Token`.
        public var sessionToken: String?

        public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
            self.sessionToken = sessionToken
        }
    }

    public var region: String
    public var service: String

    public init(region: String, service: String) {
        self.region = region
        self.service = service
    }

    /// The headers to add to a request so AWS accepts it: `X-Amz-Date`, `X-Amz-Security-Token` for a temporary key,
    /// and `Authorization`. `headers` are those the request sends and must be signed (`Host`, `Content-Type`).
    public func sign(
        key: Key, method: String, path: String, query: [(String, String)], headers: [(String, String)], body: Data,
        date: Date
    ) -> [(String, String)] {
        var added = [("X-Amz-Date", Self.timestamp(date))]
        if let token = key.sessionToken { added.append(("X-Amz-Security-Token", token)) }
        let authorization = self.authorization(
            key: key, method: method, path: path, query: query, headers: headers + added, body: body)
        return added + [("Authorization", authorization)]
    }

    /// The `Authorization` value for a request whose headers already hold `X-Amz-Date`.
    public func authorization(
        key: Key, method: String, path: String, query: [(String, String)], headers: [(String, String)], body: Data
    ) -> String {
        let (signedHeaders, signature) = self.signature(
            secret: key.secretAccessKey, method: method, path: path, query: query, headers: headers, body: body)
        let day = String(Self.amzDate(headers).prefix(8))
        return
            "AWS4-HMAC-SHA256 Credential=\(key.accessKeyID)/\(day)/\(region)/\(service)/aws4_request, SignedHeaders=\(signedHeaders), Signature=\(signature)"
    }

    /// The signed-header list and the hex signature of a request.
    public func signature(
        secret: String, method: String, path: String, query: [(String, String)], headers: [(String, String)],
        body: Data
    ) -> (signedHeaders: String, signature: String) {
        // Header names lowercased, values trimmed with inner runs of spaces folded, repeated names joined by commas.
        var canonical: [String: [String]] = [:]
        for (name, value) in headers {
            let folded = value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
            canonical[name.lowercased(), default: []].append(folded)
        }
        let names = canonical.keys.sorted()
        let signedHeaders = names.joined(separator: ";")
        let encoded: [(String, String)] = query.map { (Self.encode($0.0), Self.encode($0.1)) }
        let sorted = encoded.sorted { left, right in left.0 == right.0 ? left.1 < right.1 : left.0 < right.0 }
        let canonicalQuery = sorted.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        let canonicalPath = path.split(separator: "/", omittingEmptySubsequences: false)
            .map { Self.encode(String($0)) }.joined(separator: "/")
        let canonicalHeaders = names.map { "\($0):\(canonical[$0, default: []].joined(separator: ","))\n" }.joined()
        let canonicalRequest = [
            method, canonicalPath, canonicalQuery, canonicalHeaders, signedHeaders,
            Self.hex(SHA256.hash(data: body)),
        ].joined(separator: "\n")
        let timestamp = Self.amzDate(headers)
        let day = String(timestamp.prefix(8))
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = [
            "AWS4-HMAC-SHA256", timestamp, scope, Self.hex(SHA256.hash(data: Data(canonicalRequest.utf8))),
        ].joined(separator: "\n")
        var signingKey = SymmetricKey(data: Data("AWS4\(secret)".utf8))
        for part in [day, region, service, "aws4_request"] {
            signingKey = SymmetricKey(
                data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: signingKey)))
        }
        let signature = HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: signingKey)
        return (signedHeaders, Self.hex(signature))
    }

    /// The parts of an `Authorization: AWS4-HMAC-SHA256 …` header, for a server that checks one.
    public struct Presented: Sendable, Equatable {
        public var accessKeyID: String
        public var day: String
        public var region: String
        public var service: String
        public var signedHeaders: [String]
        public var signature: String
    }

    public static func parse(authorization: String) -> Presented? {
        let prefix = "AWS4-HMAC-SHA256 "
        guard authorization.hasPrefix(prefix) else { return nil }
        var fields: [String: String] = [:]
        for part in authorization.dropFirst(prefix.count).split(separator: ",") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if pair.count == 2 { fields[String(pair[0])] = String(pair[1]) }
        }
        guard let credential = fields["Credential"]?.split(separator: "/").map(String.init), credential.count == 5,
            credential[4] == "aws4_request", let signed = fields["SignedHeaders"], let signature = fields["Signature"]
        else { return nil }
        return Presented(
            accessKeyID: credential[0], day: credential[1], region: credential[2], service: credential[3],
            signedHeaders: signed.split(separator: ";").map(String.init), signature: signature)
    }

    /// `yyyyMMdd'T'HHmmss'Z'` in UTC, as `X-Amz-Date` takes it.
    public static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d%02d%02dT%02d%02d%02dZ", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0,
            parts.minute ?? 0, parts.second ?? 0)
    }

    static func amzDate(_ headers: [(String, String)]) -> String {
        headers.first { $0.0.lowercased() == "x-amz-date" }?.1 ?? ""
    }

    /// RFC 3986 percent-encoding of everything but the unreserved characters, in upper-case hex, as SigV4 requires.
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                out.append(Character(Unicode.Scalar(byte)))
            default: out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
