import Foundation

/// Form bodies as simulators read them: ordered pairs, `+` as a space; and one canonical spelling for comparing two
/// requests made under the same idempotency key.
enum FormText {
    static func decode(_ text: String) -> [(String, String)] {
        text.split(separator: "&").compactMap { part in
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = pieces.first else { return nil }
            func clean(_ value: Substring) -> String {
                value.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(value)
            }
            return (clean(name), pieces.count > 1 ? clean(pieces[1]) : "")
        }
    }

    static func canonical(_ form: [(String, String)]) -> String {
        form.map { "\($0.0)=\($0.1)" }.sorted().joined(separator: "&")
    }
}
