import Foundation
import SheenApplication
import SheenModel

/// Connections and keys for a terminal: fields and fingerprints, never a value.
enum ConnectionText {
    static func table(_ connections: [ConnectionDetails], project: String, language: Language) -> String {
        guard !connections.isEmpty else { return CLIMessage.noConnections(project)(language) }
        let header = CLIMessage.connectionsHeader(language).components(separatedBy: "|")
        let rows = connections.map { details -> [String] in
            let connection = details.connection
            return [
                connection.reference, connection.environment.rawValue,
                connection.markets.isEmpty ? "*" : connection.markets.map(\.rawValue).joined(separator: ","),
                connection.sandbox ? "sandbox" : "provider",
                details.secrets.map { "\($0.field) \($0.fingerprint)" }.joined(separator: ", "),
                connection.problem.map { $0(language) } ?? "ok",
            ]
        }
        return TextTable(header: header, rows: rows).rendered
    }

    static func detail(_ details: ConnectionDetails, language: Language) -> String {
        let connection = details.connection
        var lines = [
            "\(connection.reference) (\(connection.environment.rawValue))" + (connection.sandbox ? " sandbox" : "")
        ]
        let labels = CLIMessage.connectionLabels(language).components(separatedBy: "|")
        lines.append(
            "  \(labels[0]): "
                + (connection.markets.isEmpty
                    ? "*" : connection.markets.map(\.rawValue).joined(separator: ", ")))
        if let account = connection.externalAccountID { lines.append("  \(labels[1]): \(account)") }
        if let url = connection.baseURL { lines.append("  \(labels[2]): \(url)") }
        for (name, value) in connection.fields.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(name): \(value)")
        }
        let formatter = ISO8601DateFormatter()
        for secret in details.secrets {
            lines.append(
                "  \(secret.field): \(labels[3]) \(secret.fingerprint), \(labels[4]) \(formatter.string(from: secret.setAt))"
                    + (secret.pending ? " (\(labels[5]))" : ""))
        }
        if let problem = connection.problem { lines.append("  ! \(problem(language))") }
        return lines.joined(separator: "\n")
    }

    static func keys(_ status: KeyService.Status, language: Language) -> String {
        let header = CLIMessage.keysHeader(language).components(separatedBy: "|")
        let rows = status.keys.map { key in
            [key.id, key.current ? "*" : "", "\(key.uses)", key.held ? "yes" : "MISSING"]
        }
        return TextTable(header: header, rows: rows).rendered
    }
}
