// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Sheen",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sheen", targets: ["sheen"]),
        .library(name: "SheenModel", targets: ["SheenModel"]),
        .library(name: "SheenCatalog", targets: ["SheenCatalog"]),
        .library(name: "SheenPlanner", targets: ["SheenPlanner"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.0"),
        // Only the test that checks docs/openapi.yaml uses it; without its external-loading trait it builds faster.
        .package(url: "https://github.com/mattpolzin/OpenAPIKit", from: "6.4.0", traits: []),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // MARK: Core

        /** Value types: manifests, recipes, checklists, projects, codes, money, diagnostics. Foundation only. */
        .target(name: "SheenModel", swiftSettings: swiftSettings),

        /** YAML loading and validation of the catalog and project files, with located, bilingual diagnostics. */
        .target(
            name: "SheenCatalog",
            dependencies: ["SheenModel", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),

        /** PostgreSQL URLs (`postgres://…?sslmode=`) and the postgres-nio settings they make, for the shared store and the search database. */
        .target(
            name: "SheenDatabase",
            dependencies: [
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),

        /** Provider resolution, the step graph, the diff against state, and plan renderers. Pure: no I/O. */
        .target(name: "SheenPlanner", dependencies: ["SheenModel"], swiftSettings: swiftSettings),

        /** The executor: scheduler, rate limits, retries, circuit breakers, apply lock; talks to protocols only. */
        .target(
            name: "SheenEngine",
            dependencies: [
                "SheenModel", "SheenPlanner", "SheenSecrets", .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),

        /** The durable stores, on SQLite (GRDB) for one machine and PostgreSQL (postgres-nio) shared by many: journal, leases, breakers, connections, webhook events, checklist, work queue; migrations. */
        .target(
            name: "SheenStore",
            dependencies: [
                "SheenDatabase", "SheenEngine", "SheenModel", "SheenPlanner", "SheenSecrets", "SheenWebhooks",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        /** Envelope encryption (AES-256-GCM data keys wrapped by key-encryption keys), key providers, redaction. */
        .target(
            name: "SheenSecrets",
            dependencies: ["SheenModel", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),

        /** Webhook signature schemes: pure sign and verify functions, constant-time comparison. */
        .target(
            name: "SheenWebhooks",
            dependencies: [
                "SheenModel", "SheenSecrets", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            swiftSettings: swiftSettings
        ),

        /** OAuth 2.0 grants: client credentials, JWT bearer (service accounts), authorization code with PKCE. */
        .target(
            name: "SheenAuth",
            dependencies: [
                "SheenModel", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        /** Provider adapters: one shared HTTP layer (auth, base URL, idempotency, error classes) and a folder per provider. */
        .target(
            name: "SheenProviders",
            dependencies: [
                "SheenAuth", "SheenDatabase", "SheenEngine", "SheenModel",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        /** ldns from Debian (libldns-dev): the DNS probe's resolver and the sandbox's DNS stand-in. */
        .systemLibrary(name: "CLDNS", pkgConfig: "ldns", providers: [.apt(["libldns-dev"])]),
        /** FreeType and HarfBuzz from Debian: the Arabic rendering probe shapes text with the page's font. */
        .systemLibrary(
            name: "CArabicText", pkgConfig: "harfbuzz", providers: [.apt(["libharfbuzz-dev", "libfreetype-dev"])]),
        /** libxml2 from Debian: the Arabic rendering probe reads the page. */
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),

        /** Preflight checks: what they may reach (the SSRF guard), and the probes themselves. */
        .target(
            name: "SheenChecks",
            dependencies: [
                "SheenAuth", "SheenModel", "SheenEngine", "SheenPlanner", "CLDNS", "CArabicText", "CLibXML2",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"), .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings),

        /** Local simulators of providers' APIs (Hummingbird): state in a file, Stripe-shaped errors, faults, signed webhooks. */
        .target(
            name: "SheenSimulator",
            dependencies: [
                "SheenAuth", "SheenModel", "SheenWebhooks", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),

        /** Use cases (apply, resume, destroy, connect, checklist; later up and preflight) shared by the CLI and the server. */
        .target(
            name: "SheenApplication",
            dependencies: [
                "SheenAuth", "SheenCatalog", "SheenChecks", "SheenEngine", "SheenModel", "SheenPlanner",
                "SheenProviders", "SheenSecrets", "SheenSimulator", "SheenWebhooks",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),

        /** `sheen serve`: the webhook receiver (Hummingbird) over the ingest and processing use cases. */
        .target(
            name: "SheenServer",
            dependencies: [
                "SheenApplication", "SheenAuth", "SheenChecks", "SheenEngine", "SheenModel", "SheenPlanner",
                "SheenSecrets", "SheenWebhooks",
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"), .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: swiftSettings
        ),

        /** Fakes and fixtures shared by test targets: `MockClock`, scripted step runners, the store contract suite. */
        .target(
            name: "SheenTestSupport",
            dependencies: [
                "SheenAuth", "SheenDatabase", "SheenEngine", "SheenModel", "SheenPlanner", "SheenSecrets",
                "SheenWebhooks", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"), .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Command line

        /** ArgumentParser commands: parse, call the libraries, map errors to exit codes. */
        .target(
            name: "SheenCLI",
            dependencies: [
                "SheenModel", "SheenCatalog", "SheenPlanner", "SheenEngine", "SheenStore", "SheenApplication",
                "SheenChecks", "SheenDatabase",
                "SheenSecrets", "SheenWebhooks", "SheenServer", "SheenSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        /** The `sheen` executable: only the entry point. */
        .executableTarget(name: "sheen", dependencies: ["SheenCLI"], swiftSettings: swiftSettings),

        // MARK: Tests

        .testTarget(
            name: "SheenModelTests", dependencies: ["SheenModel"], resources: [.copy("Vectors")],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "SheenSecretsTests", dependencies: ["SheenSecrets", "SheenModel"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SheenWebhooksTests", dependencies: ["SheenWebhooks", "SheenModel"], resources: [.copy("Vectors")],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "SheenServerTests",
            dependencies: [
                "SheenServer", "SheenApplication", "SheenCatalog", "SheenEngine", "SheenModel", "SheenPlanner",
                "SheenSecrets", "SheenStore", "SheenTestSupport", "SheenWebhooks",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "OpenAPIKit", package: "OpenAPIKit"), .product(name: "Yams", package: "Yams"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SheenProvidersTests",
            dependencies: [
                "SheenProviders", "SheenSimulator", "SheenEngine", "SheenModel", "SheenCatalog", "SheenPlanner",
                "SheenApplication", "SheenStore", "SheenSecrets", "SheenServer", "SheenWebhooks", "SheenTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"), "SheenAuth",
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            resources: [.copy("Vectors")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SheenChecksTests",
            dependencies: [
                "SheenChecks", "SheenEngine", "SheenModel", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            resources: [.copy("Vectors")],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "SheenAuthTests",
            dependencies: [
                "SheenAuth", "SheenModel", "SheenTestSupport", .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            resources: [.copy("Vectors")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SheenCatalogTests",
            dependencies: ["SheenCatalog", "SheenModel"],
            exclude: ["Goldens"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SheenPlannerTests",
            dependencies: ["SheenPlanner", "SheenCatalog", "SheenModel"],
            exclude: ["Goldens"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SheenEngineTests",
            dependencies: ["SheenEngine", "SheenTestSupport", "SheenPlanner", "SheenModel"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SheenStoreTests",
            dependencies: [
                "SheenStore", "SheenEngine", "SheenTestSupport", "SheenPlanner", "SheenModel", "SheenWebhooks",
                "SheenSecrets",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SheenApplicationTests",
            dependencies: [
                "SheenApplication", "SheenCatalog", "SheenEngine", "SheenStore", "SheenTestSupport", "SheenPlanner",
                "SheenModel", "SheenSecrets", .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SheenCLITests",
            dependencies: [
                "sheen", "SheenCLI", "SheenCatalog", "SheenModel", "SheenStore", "SheenEngine", "SheenPlanner",
                "SheenSecrets", "SheenSimulator", "SheenAuth", "SheenChecks", "SheenDatabase", "SheenTestSupport",
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
