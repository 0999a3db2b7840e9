import NIOSSL
import PostgresNIO

extension DatabaseURL {
    /// The TLS settings `sslmode` asks for: none for `disable`; encryption without verification for `require`, as
    /// libpq's `require` means; full chain and host-name verification for `verify-full`.
    public var tlsConfiguration: TLSConfiguration? {
        switch tls {
        case .disable:
            return nil
        case .require, .verifyFull:
            var settings = TLSConfiguration.makeClientConfiguration()
            if tls == .require { settings.certificateVerification = .none }
            return settings
        }
    }
}

extension PostgresConnection.Configuration {
    /// One connection's settings for `url`.
    public init(_ url: DatabaseURL) throws {
        let tls: TLS = try url.tlsConfiguration.map { .require(try NIOSSLContext(configuration: $0)) } ?? .disable
        self.init(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: tls
        )
    }
}

extension PostgresClient.Configuration {
    /// A pool's settings for `url`, with its query parameters (an `application_name`) sent at start-up.
    public init(_ url: DatabaseURL) {
        self.init(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database,
            tls: url.tlsConfiguration.map { .require($0) } ?? .disable)
        options.additionalStartupParameters = url.parameters.sorted { $0.key < $1.key }.map { ($0, $1) }
    }
}
