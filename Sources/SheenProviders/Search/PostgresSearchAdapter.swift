import Foundation
import Logging
import NIOSSL
import PostgresNIO
import SheenDatabase
import SheenEngine

/// One short-lived PostgreSQL connection (postgres-nio) from a `postgres://` URL: user, password, host, port,
/// database, and `sslmode` (`require`, `verify-full` or `disable`; TLS is required unless the host is loopback).
struct PostgresTarget: Sendable {
    let configuration: PostgresConnection.Configuration
    let display: String

    init(url: String) throws(StepFailure) {
        let parsed: DatabaseURL
        do {
            parsed = try DatabaseURL(url)
        } catch {
            switch error {
            case .notPostgres:
                throw StepFailure(
                    .invalid, message: "the database_url is not a postgres://user:password@host:port/database URL")
            case .unknownSSLMode(let mode):
                throw StepFailure(.invalid, message: "sslmode=\(mode) is not one of disable, require, verify-full")
            }
        }
        do {
            configuration = try PostgresConnection.Configuration(parsed)
        } catch {
            throw StepFailure(.invalid, message: "TLS for the database cannot be set up: \(error)")
        }
        display = parsed.description
    }

    static let logger = Logger(label: "sheen.postgres-search")

    /// Runs `body` on a new connection, closed afterwards; connection failures are transient, SQL errors are not.
    func with<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                configuration: configuration, id: 1, logger: Self.logger)
        } catch let error as PSQLError {
            throw StepFailure(
                .network, message: "the database at \(display) refused the connection: \(Self.describe(error))")
        } catch {
            throw StepFailure(.network, message: "the database at \(display) could not be reached: \(error)")
        }
        do {
            let result = try await body(connection)
            try? await connection.close()
            return result
        } catch let error as PSQLError {
            try? await connection.close()
            throw StepFailure(.invalid, message: "the database at \(display) refused: \(Self.describe(error))")
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// The server's own message and SQLSTATE, never the connection string.
    static func describe(_ error: PSQLError) -> String {
        guard let message = error.serverInfo?[.message] else { return "\(error.code)" }
        return message + (error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? "")
    }
}

/// `postgres-search.install`: ``ArabicSearchSQL`` in the project's own database, one statement at a time (each is
/// idempotent); `observe` asks the catalogue, and `sheen destroy` drops what was installed.
struct PostgresSearchInstallRunner: StepRunner {
    func observe(_ context: StepContext) async throws -> StepResult? {
        let target = try await Self.target(context)
        let present = try await target.with { connection in
            var found = false
            for try await _ in try await connection.query(
                PostgresQuery(unsafeSQL: ArabicSearchSQL.installed), logger: PostgresTarget.logger)
            {
                found = true
            }
            return found
        }
        return present ? Self.result(target) : nil
    }

    func create(_ context: StepContext) async throws -> StepResult {
        let target = try await Self.target(context)
        try await target.with { connection in
            for statement in ArabicSearchSQL.installStatements {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: PostgresTarget.logger)
            }
        }
        return Self.result(target)
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {
        let target = try await Self.target(context)
        try await target.with { connection in
            for statement in ArabicSearchSQL.uninstallStatements {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: PostgresTarget.logger)
            }
        }
    }

    static func target(_ context: StepContext) async throws -> PostgresTarget {
        guard let url = try await context.credentials()["database_url"], !url.isEmpty else {
            throw StepFailure(.invalid, message: "the postgres-search connection has no database_url")
        }
        return try PostgresTarget(url: url)
    }

    static func result(_ target: PostgresTarget) -> StepResult {
        StepResult(
            outputs: [
                "configuration": ArabicSearchSQL.configuration, "database": target.display,
                "usage": "WHERE sheen_arabic_tsvector(column) @@ sheen_arabic_tsquery(:query)",
            ], externalID: target.display)
    }
}

/// The PostgreSQL-backed Arabic search's step kinds and their runners.
public enum PostgresSearchAdapter {
    public static func register(into runners: inout RunnerRegistry) {
        runners.register(PostgresSearchInstallRunner(), for: "postgres-search.install")
    }
}
