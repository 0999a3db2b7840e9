import Foundation

/// Readers for the error bodies several providers share in shape: an `error` object with a sentence and a code.
public enum ErrorBody {
    /// `{"error": {<message>: "…", <code>: "…"}}` read as `message (code)`: Vercel and Azure (`message`/`code`),
    /// Google (`message`/`status`), OpenSearch (`reason`/`type`).
    public static func nested(message: String = "message", code: String = "code") -> ProviderClient.ErrorReader {
        { response in
            guard
                let error = ((try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any])?["error"]
                    as? [String: Any], let sentence = error[message] as? String
            else { return nil }
            return sentence + ((error[code] as? String).map { " (\($0))" } ?? "")
        }
    }
}
