import SheenPlanner

/// The idempotency key of a step: derived only from project, environment, step id and input hash, so it is the
/// same on every retry and after every restart, and changes exactly when the step's inputs change.
public enum IdempotencyKey {
    /// `sheen-<step id, sanitised, ≤ 64>-<32 hex digits>`: readable in provider dashboards, at most 103 characters
    /// (Stripe allows 255), and 128 bits of digest from two independently seeded FNV-1a passes.
    public static func make(project: String, environment: String, stepID: String, inputHash: String) -> String {
        var first = StableHasher()
        first.combine("sheen-idempotency-v1", project, environment, stepID, inputHash)
        var second = StableHasher()
        second.combine(inputHash, stepID, environment, project, "sheen-idempotency-v1-b")
        let readable = String(
            stepID.unicodeScalars.map { scalar -> Character in
                scalar.isASCII
                    && (("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar))
                    ? Character(scalar) : "-"
            }.prefix(64))
        return "sheen-\(readable)-\(first.hexDigest)\(second.hexDigest)"
    }
}
