import ArgumentParser
import Foundation
import SheenModel
import SheenSecrets

/// Writes to standard output and error; one place so tests and commands agree on streams.
enum Console {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    /// Prints `error: message` (and `hint: …`) in the user's language, and returns exit code 1 for the caller to throw.
    /// Whatever a library put in the message, credential-bearing headers are masked on the way out.
    static func failure(_ message: String, hint: String? = nil, language: Language) -> ExitCode {
        var text = CLIMessage.errorPrefix(language) + message
        if let hint { text += "\n" + CLIMessage.hintPrefix(language) + hint }
        error(Redactor.none.redact(text))
        return ExitCode(ExitStatus.invalidInput)
    }

    /// Encodes `value` as pretty, key-sorted JSON, so output is stable for scripts and golden tests.
    static func json(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        out(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// Writes `text` to `path` atomically; a failure is a usage error naming the path.
    static func write(_ text: String, to path: String, language: Language) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ValidationError(CLIMessage.cannotWrite(path: path, reason: error.localizedDescription)(language))
        }
    }
}
