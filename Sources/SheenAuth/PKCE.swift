import Crypto
import Foundation

/// RFC 7636 proof key: a random verifier kept by Sheen, and its S256 challenge sent with the authorization request.
public struct PKCE: Sendable, Hashable {
    public let verifier: String
    public let challenge: String
    public let method = "S256"

    /// 32 random bytes, base64url without padding: a 43-character verifier, the RFC's minimum length.
    public init() {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        self.init(verifier: Self.base64URL(Data(bytes)))
    }

    public init(verifier: String) {
        self.verifier = verifier
        self.challenge = Self.base64URL(Data(SHA256.hash(data: Data(verifier.utf8))))
    }

    /// A random `state` value that ties an authorization answer to the request that asked for it.
    public static func state() -> String { PKCE().verifier }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
