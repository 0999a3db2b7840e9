import Crypto
import Foundation

/// What an attestation records as its evidence: the text given, or for a readable file its name, size and SHA-256,
/// so the record says which screenshot or report was meant without copying it into the state.
public enum Attestations {
    public static func evidence(_ given: String) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: given, isDirectory: &isDirectory), !isDirectory.boolValue,
            let data = FileManager.default.contents(atPath: given)
        else { return given }
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        return "file \((given as NSString).lastPathComponent) (\(data.count) bytes, sha256 \(digest))"
    }
}
