import Foundation

/// Twilio: `X-Twilio-Signature`, base64 of HMAC-SHA1 keyed by the auth token over the full URL (query included) and
/// every form parameter as `key+value`, sorted by key. JSON bodies are signed through the URL instead: it carries
/// `bodySHA256=<hex>` and no parameters are added. The URL counts with and without its default port.
enum TwilioSignature {
    static let header = "X-Twilio-Signature"

    static func sign(url: String, body: Data, secret: String) -> String {
        mac(url: url, parameters: parameters(url: url, body: body), secret: secret).base64EncodedString()
    }

    static func verify(_ request: WebhookRequest, secret: String) -> Verdict {
        guard let value = request.headers[header] else { return .rejected(.noSignatureHeader(header)) }
        guard let url = request.url else { return .rejected(.urlRequired) }
        guard let given = Data(base64Encoded: value) else { return .rejected(.malformedSignature(header)) }
        if let claimed = request.query("bodySHA256") {
            guard let expected = Digest.unhex(claimed.lowercased()), Digest.equal(expected, Digest.sha256(request.body))
            else { return .rejected(.bodyHashMismatch) }
        }
        let parameters = parameters(url: url, body: request.body)
        let matches = variants(of: url).contains {
            Digest.equal(given, mac(url: $0, parameters: parameters, secret: secret))
        }
        return matches ? .genuine : .rejected(.noSignatureMatches)
    }

    /// Form parameters, unless the URL signs the body by hash.
    static func parameters(url: String, body: Data) -> [(String, String)] {
        if URLComponents(string: url)?.queryItems?.contains(where: { $0.name == "bodySHA256" }) == true { return [] }
        let text = String(decoding: body, as: UTF8.self)
        return text.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1).map { part in
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part)
            }
            return parts.count == 2 ? (parts[0], parts[1]) : nil
        }
    }

    private static func mac(url: String, parameters: [(String, String)], secret: String) -> Data {
        let signed = url + parameters.sorted { $0.0 < $1.0 }.map { $0.0 + $0.1 }.joined()
        return Digest.hmacSHA1(Data(secret.utf8), Data(signed.utf8))
    }

    /// The URL as given, with its default port added, and with it removed.
    static func variants(of url: String) -> [String] {
        guard var components = URLComponents(string: url), let scheme = components.scheme else { return [url] }
        let standard = scheme == "https" ? 443 : 80
        var result = [url]
        if components.port == nil {
            components.port = standard
            if let with = components.string { result.append(with) }
        } else if components.port == standard {
            components.port = nil
            if let without = components.string { result.append(without) }
        }
        return result
    }
}
