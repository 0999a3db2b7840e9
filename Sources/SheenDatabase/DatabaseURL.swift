import Foundation

/// A `postgres://user:password@host:port/database?sslmode=…` URL, read once for every PostgreSQL client Sheen has
/// (its own shared store, a project's search database). TLS is required unless the host is loopback, as libpq's
/// `sslmode` names it: `disable`, `require` (encrypted, unverified) or `verify-full` (`verify-ca` and `prefer` are
/// read as their nearest safe meaning).
public struct DatabaseURL: Sendable, Hashable, CustomStringConvertible {
    public enum TLSMode: String, Sendable, Hashable {
        case disable, require
        case verifyFull = "verify-full"
    }

    public enum Problem: Error, Sendable, Hashable {
        /// Not a `postgres://user@host/database` URL.
        case notPostgres
        case unknownSSLMode(String)
    }

    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var tls: TLSMode
    /// Further `key=value` query items (an `application_name`), passed on as start-up parameters.
    public var parameters: [String: String]

    public init(_ text: String) throws(Problem) {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme),
            let host = components.host, !host.isEmpty, let user = components.user, !user.isEmpty
        else { throw .notPostgres }
        self.host = host
        port = components.port ?? 5432
        self.user = user.removingPercentEncoding ?? user
        password = components.password.map { $0.removingPercentEncoding ?? $0 }
        database = components.path.split(separator: "/").first.map(String.init) ?? self.user
        var parameters: [String: String] = [:]
        for item in components.queryItems ?? [] where item.name != "sslmode" {
            parameters[item.name] = item.value ?? ""
        }
        self.parameters = parameters
        let mode = components.queryItems?.first { $0.name == "sslmode" }?.value
        switch mode ?? (Self.isLoopback(host) ? "disable" : "require") {
        case "disable": tls = .disable
        case "require", "prefer": tls = .require
        case "verify-full", "verify-ca": tls = .verifyFull
        default: throw .unknownSSLMode(mode ?? "")
        }
    }

    /// Whether `text` names a PostgreSQL server rather than a file.
    public static func looksLike(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "127.0.0.1" || host == "::1" || host == "[::1]"
    }

    /// Where it points, without the password: safe for messages and logs.
    public var description: String { "\(host):\(port)/\(database)" }
}
