import Foundation

/// Where a credential field's value comes from on the command line (`--field NAME=VALUE`).
public enum CredentialInput: Sendable, Hashable {
    /// Written on the command line: accepted for plain fields only.
    case literal(String)
    /// `@env:VAR`
    case environment(String)
    /// `@file:PATH` (trailing newlines dropped)
    case file(String)
    /// `-`: read from standard input
    case standardInput
    /// Not given: asked for without echo on a terminal.
    case prompt

    /// Parses `NAME=VALUE`; `nil` when there is no `=` or no name.
    public static func parse(_ argument: String) -> (field: String, input: CredentialInput)? {
        guard let equals = argument.firstIndex(of: "=") else { return nil }
        let name = String(argument[..<equals]).trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { return nil }
        let value = String(argument[argument.index(after: equals)...])
        if value == "-" { return (name, .standardInput) }
        if value.hasPrefix("@env:") { return (name, .environment(String(value.dropFirst(5)))) }
        if value.hasPrefix("@file:") { return (name, .file(String(value.dropFirst(6)))) }
        return (name, .literal(value))
    }

    /// Every `NAME=VALUE` argument that parses, by field name (a repeated field: the last one wins).
    public static func parseAll(_ arguments: [String]) -> [String: CredentialInput] {
        var fields: [String: CredentialInput] = [:]
        for argument in arguments {
            if let (name, input) = parse(argument) { fields[name] = input }
        }
        return fields
    }

    /// A reference read from somewhere else rather than the value itself.
    public var isReference: Bool {
        if case .literal = self { return false }
        return true
    }
}

/// Reads credential values from the places `CredentialInput` names; the command line supplies the real one, tests a
/// fake.
public protocol CredentialReader: Sendable {
    func environmentVariable(_ name: String) -> String?
    func contents(ofFile path: String) throws -> String
    func standardInput() throws -> String
    /// Asks for `label` without echo; `nil` when there is no terminal.
    func prompt(_ label: String) -> String?
}

/// Values Sheen already holds (a provider-issued secret, a simulator's test keys), handed to the connect and rotate
/// paths, which read secrets only from references: each `@env:NAME` reads `values[NAME]`.
struct GivenValues: CredentialReader {
    let values: [String: String]

    func environmentVariable(_ name: String) -> String? { values[name] }
    func contents(ofFile path: String) throws -> String { "" }
    func standardInput() throws -> String { "" }
    func prompt(_ label: String) -> String? { nil }
}
