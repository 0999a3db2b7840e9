import Crypto
import Foundation

/// The MACs and encodings the schemes use, and a comparison whose time does not depend on where bytes differ.
enum Digest {
    static func hmacSHA256(_ key: Data, _ message: Data) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    static func hmacSHA512(_ key: Data, _ message: Data) -> Data {
        Data(HMAC<SHA512>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    static func hmacSHA1(_ key: Data, _ message: Data) -> Data {
        Data(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    static func sha256(_ data: Data) -> Data { Data(SHA256.hash(data: data)) }

    static func hex(_ data: Data) -> String { data.map { String(format: "%02x", $0) }.joined() }

    /// Lower- or upper-case hex to bytes; `nil` for anything else.
    static func unhex(_ text: String) -> Data? {
        guard text.count % 2 == 0 else { return nil }
        var bytes = Data(capacity: text.count / 2)
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }

    /// Equal length and equal bytes, examining every byte whatever the first difference.
    static func equal(_ lhs: Data, _ rhs: Data) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(lhs, rhs) { difference |= left ^ right }
        return difference == 0
    }

    /// Compares two strings as bytes, in constant time for equal lengths.
    static func equal(_ lhs: String, _ rhs: String) -> Bool { equal(Data(lhs.utf8), Data(rhs.utf8)) }
}
