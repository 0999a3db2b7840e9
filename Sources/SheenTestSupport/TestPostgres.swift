import Foundation
import Logging
import PostgresNIO
import SheenDatabase
import SheenModel

/// The throw-away PostgreSQL `scripts/test` starts (`SHEEN_TEST_POSTGRES_URL`); suites that need it are enabled only
/// when it is there.
public enum TestPostgres {
    public static let url: String? = ProcessInfo.processInfo.environment["SHEEN_TEST_POSTGRES_URL"].flatMap {
        $0.isEmpty ? nil : $0
    }

    public static var available: Bool { url != nil }

    /// A new, empty database on the test server for one test, so suites that use fixed names never meet. The server is
    /// removed with its data directory when the run ends, so nothing is dropped here.
    public static func freshDatabase(prefix: String = "t") async throws -> DatabaseURL {
        guard let url else { throw TestPostgresMissing() }
        var target = try DatabaseURL(url)
        let name =
            "sheen_\(prefix)_\(UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: ""))"
        let connection = try await PostgresConnection.connect(
            configuration: try PostgresConnection.Configuration(target), id: 1,
            logger: Logger(label: "sheen.test-postgres"))
        do {
            try await connection.query(
                PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: Logger(label: "sheen.test-postgres"))
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
        target.database = name
        return target
    }

    /// `url` written back as text, for a `--store` flag or `SHEEN_STORE`.
    public static func text(_ url: DatabaseURL) -> String {
        "postgres://\(url.user)@\(url.host):\(url.port)/\(url.database)"
    }
}

public struct TestPostgresMissing: Error, CustomStringConvertible {
    public var description: String { "SHEEN_TEST_POSTGRES_URL is not set: run the tests through scripts/test" }
}
