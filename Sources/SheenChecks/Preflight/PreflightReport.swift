import Foundation
import SheenModel

/// One preflight check's result. `id` is stable (CI rules and `--only`/`--skip` name it); `subject` says what it
/// looked at when a check runs once per connection, record or domain.
public struct PreflightResult: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case pass, warn, fail
        /// Nothing can confirm it either way (a key's scopes, an account's enabled payment methods): never a pass.
        case unknown
    }

    public var id: String
    public var subject: String?
    public var title: LocalizedText
    public var status: Status
    public var message: LocalizedText
    public var fix: LocalizedText?
    /// Where the fix goes, when it is a line of a file (`sheen.yaml`'s `domain:`), for CI annotations.
    public var file: String?
    public var line: Int?
    public var seconds: Double

    public init(
        id: String, subject: String? = nil, title: LocalizedText, status: Status, message: LocalizedText,
        fix: LocalizedText? = nil, file: String? = nil, line: Int? = nil, seconds: Double = 0
    ) {
        self.id = id
        self.subject = subject
        self.title = title
        self.status = status
        self.message = message
        self.fix = fix
        self.file = file
        self.line = line
        self.seconds = seconds
    }
}

/// A whole preflight run and its verdict.
public struct PreflightReport: Sendable {
    public var project: String
    public var environment: DeploymentEnvironment
    public var results: [PreflightResult]
    public var startedAt: Date
    public var seconds: Double

    public init(
        project: String, environment: DeploymentEnvironment, results: [PreflightResult], startedAt: Date,
        seconds: Double
    ) {
        self.project = project
        self.environment = environment
        self.results = results
        self.startedAt = startedAt
        self.seconds = seconds
    }

    /// Whether a result stops the deploy: a failure always; a warning or an unknown only with `strict`.
    public static func blocks(_ status: PreflightResult.Status, strict: Bool) -> Bool {
        switch status {
        case .fail: true
        case .warn, .unknown: strict
        case .pass: false
        }
    }

    public func ready(strict: Bool) -> Bool { !results.contains { Self.blocks($0.status, strict: strict) } }

    public func count(_ status: PreflightResult.Status) -> Int { results.count { $0.status == status } }
}
