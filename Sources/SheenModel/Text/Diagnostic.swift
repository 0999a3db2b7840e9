/// One problem found in user input, located and explained in both languages.
///
/// Diagnostics are collected, never thrown one at a time, so a user sees every problem of a file at once.
public struct Diagnostic: Sendable, Hashable {
    public enum Severity: String, Sendable, Hashable, Comparable {
        case error
        case warning

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            lhs == .error && rhs == .warning
        }
    }

    public var severity: Severity
    /// A stable kebab-case identifier (`unknown-key`, `dependency-cycle`, ...) for tooling and docs.
    public var code: String
    public var location: SourceLocation
    public var message: LocalizedText
    public var hint: LocalizedText?

    public init(
        _ severity: Severity, code: String, at location: SourceLocation, message: LocalizedText,
        hint: LocalizedText? = nil
    ) {
        self.severity = severity
        self.code = code
        self.location = location
        self.message = message
        self.hint = hint
    }

    /// The compiler-style line: `file:line:column: error: message`, then the hint indented below it.
    public func rendered(in language: Language) -> String {
        let label =
            switch (severity, language) {
            case (.error, .en): "error"
            case (.warning, .en): "warning"
            case (.error, .ar): "خطأ"
            case (.warning, .ar): "تحذير"
            }
        var line = "\(location): \(label): \(message(language))"
        if let hint {
            line += "\n  " + (language == .en ? "hint" : "تلميح") + ": " + hint(language)
        }
        return line
    }
}

extension [Diagnostic] {
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// File, line, column, then code: the order users read them in, and stable for golden tests.
    public func sortedForDisplay() -> [Diagnostic] {
        sorted { ($0.location, $0.code, $0.message.en) < ($1.location, $1.code, $1.message.en) }
    }
}
