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

/// How a step reaches its connection's credentials: decrypted only when the adapter asks, only in memory. Every value
/// handed out is remembered, so the executor can scrub it from whatever the step reports before it is journaled.
public final class CredentialAccess: Sendable {
    private let load: @Sendable () async throws -> Credentials
    private let handedOut = Mutex<[String]>([])

    public init(_ load: @escaping @Sendable () async throws -> Credentials) { self.load = load }

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

    /// Every value returned so far.
    public var revealed: [String] { handedOut.withLock { $0 } }
}
