import Synchronization

/// A connection's credential values, decrypted for one call. Printing it shows the field names only.
public struct Credentials: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    private let values: [String: String]

    public init(_ values: [String: String]) { self.values = values }

    public subscript(field: String) -> String? { values[field] }

    public var fields: [String] { values.keys.sorted() }

    public var description: String { "Credentials(\(fields.joined(separator: ", ")): [redacted])" }
    public var debugDescription: String { description }

    var allValues: [String] { Array(values.values) }
}

/// How a step reaches its connection: its credentials, decrypted only when the adapter asks, only in memory; the base
/// URL a sandbox connection points at instead of the provider's; and the connection's encrypted store for secrets the
/// provider hands back (Stripe's webhook signing secret), which never reach the journal. Every value handed out or
/// saved is remembered, so the executor can scrub it from whatever the step reports before it is journaled.
public final class CredentialAccess: Sendable {
    private let load: @Sendable () async throws -> Credentials
    private let store: (@Sendable (_ field: String, _ value: String) async throws -> Void)?
    private let handedOut = Mutex<[String]>([])
    /// The connection's own base URL (a sandbox connection's simulator), which wins over the plan's.
    public let baseURL: String?

    public init(
        baseURL: String? = nil, save: (@Sendable (_ field: String, _ value: String) async throws -> Void)? = nil,
        _ load: @escaping @Sendable () async throws -> Credentials
    ) {
        self.load = load
        self.store = save
        self.baseURL = baseURL
    }

    /// A step with no connection: asking is a failure that says so.
    public static let none = CredentialAccess {
        throw StepFailure(.invalid, message: "this step has no connection to read credentials from")
    }

    /// Decrypts and returns the credentials.
    public func callAsFunction() async throws -> Credentials {
        let credentials = try await load()
        handedOut.withLock { $0 += credentials.allValues }
        return credentials
    }

    /// Seals `value` into the connection's credential `field`, replacing what was there.
    public func save(_ field: String, _ value: String) async throws {
        handedOut.withLock { $0.append(value) }
        guard let store else {
            throw StepFailure(
                .invalid, message: "this step's connection cannot store the \(field) the provider returned")
        }
        try await store(field, value)
    }

    /// Every value returned so far.
    public var revealed: [String] { handedOut.withLock { $0 } }
}
