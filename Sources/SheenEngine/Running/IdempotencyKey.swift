internal import Crypto
import SheenPlanner

/// The idempotency key of a step: derived only from project, environment, step id and input hash, so it is the
/// same on every retry and after every restart, and changes exactly when the step's inputs change.
public enum IdempotencyKey {
    /// `sheen-<step id, sanitised, ≤ 64>-<32 hex digits>`: readable in provider dashboards, at most 103 characters
    /// (Stripe allows 255). The digest is the first 128 bits of SHA-256 over the length-prefixed fields, so two
    /// steps collide only with the negligible probability of a 128-bit hash, and no field can bleed into the next.
    public static func make(project: String, environment: String, stepID: String, inputHash: String) -> String {
        var hash = SHA256()
        for field in ["sheen-idempotency-v2", project, environment, stepID, inputHash] {
            let bytes = Array(field.utf8)
            withUnsafeBytes(of: UInt32(bytes.count).bigEndian) { hash.update(bufferPointer: $0) }
            hash.update(data: bytes)
        }
        let digest = hash.finalize().prefix(16).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
        return "sheen-\(readable(stepID))-\(digest)"
    }

    /// The key Sheen derived before version 2 (two FNV-1a passes: 64-bit digests that are not independent, so not
    /// the 128 bits the format suggests). Kept only so a step left in flight under such a key is observed and
    /// resent under the same key: the provider then recognises the retry, and nothing is created twice.
    public static func legacyV1(project: String, environment: String, stepID: String, inputHash: String) -> String {
        var first = StableHasher()
        first.combine("sheen-idempotency-v1", project, environment, stepID, inputHash)
        var second = StableHasher()
        second.combine(inputHash, stepID, environment, project, "sheen-idempotency-v1-b")
        return "sheen-\(readable(stepID))-\(first.hexDigest)\(second.hexDigest)"
    }

    /// The key to send for a step whose previous record is `previous`: the recorded key when an unfinished attempt
    /// used a legacy derivation for the same inputs, else the current one.
    public static func resolve(
        project: String, environment: String, stepID: String, inputHash: String, previousKey: String?
    ) -> String {
        let current = make(project: project, environment: environment, stepID: stepID, inputHash: inputHash)
        guard let previousKey, previousKey != current else { return current }
        let legacy = legacyV1(project: project, environment: environment, stepID: stepID, inputHash: inputHash)
        return previousKey == legacy ? legacy : current
    }

    private static func readable(_ stepID: String) -> String {
        String(
            stepID.unicodeScalars.map { scalar -> Character in
                scalar.isASCII
                    && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar))
                    ? Character(scalar) : "-"
            }.prefix(64))
    }
}
