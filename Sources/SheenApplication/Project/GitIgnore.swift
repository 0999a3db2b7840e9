import Foundation

/// Keeps Sheen's local state out of version control: the state file holds sealed credentials and the journal, which
/// belong to one machine.
public enum GitIgnore {
    public static let stateEntry = ".sheen/"

    /// Adds `entry` to the `.gitignore` in `directory` unless a line already covers it; returns whether it wrote.
    @discardableResult
    public static func ensure(_ entry: String = stateEntry, in directory: String) throws -> Bool {
        let path = (directory as NSString).appendingPathComponent(".gitignore")
        let existing = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let bare = entry.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let covered = existing.split(whereSeparator: \.isNewline).contains { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces).trimmingCharacters(
                in: CharacterSet(charactersIn: "/"))
            return trimmed == bare
        }
        guard !covered else { return false }
        var text = existing
        if !text.isEmpty, !text.hasSuffix("\n") { text += "\n" }
        text += "# Sheen's state: the journal and encrypted credentials of this machine\n\(entry)\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        return true
    }
}
