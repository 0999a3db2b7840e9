import Foundation
import SheenEngine
import SheenModel
import SheenPlanner

/// The variables a plan promises the app (`sheen env export`, the `recipe.env-file` step): each bound connection's
/// credential fields, named from the manifests, and the step outputs the catalog marks for the app.
public struct AppEnvironment: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case dotenv, json, shell
    }

    public let catalog: Catalog
    public let connections: ConnectionService?

    public init(catalog: Catalog, connections: ConnectionService?) {
        self.catalog = catalog
        self.connections = connections
    }

    /// The variables `source` promises the app: planned against the recorded state in `store` (none: empty), with the
    /// project's connections bound and the outputs its steps recorded.
    public func variables(
        for source: PlanSource, store: (any StateStore)?, includeSecrets: Bool
    ) async throws -> [AppVariable] {
        var source = source
        var bound: [Connection] = []
        if let connections {
            (source, bound) = try await connections.bind(source)
        } else if case .request(let request) = source {
            bound = request.connections
        }
        let scope = source.scope
        let state: any StateSnapshot = try await store?.snapshot(scope) ?? InMemoryStateSnapshot()
        let plan = try source.plan(catalog: catalog, state: state)
        var outputs: [String: [String: String]] = [:]
        for step in try await store?.steps(in: scope) ?? [] { outputs[step.stepID] = step.outputs }
        return try await variables(of: plan, bound: bound, outputs: outputs, includeSecrets: includeSecrets)
    }

    /// The variables of `plan`, with recorded `outputs` (step id to outputs) and, when `includeSecrets`, the secret
    /// credential values decrypted.
    public func variables(
        of plan: Plan, bound: [Connection], outputs: [String: [String: String]], includeSecrets: Bool
    ) async throws(ConnectionError) -> [AppVariable] {
        var result: [AppVariable] = [
            AppVariable(name: "SHEEN_PROJECT", value: plan.projectName, secret: false, source: "sheen"),
            AppVariable(name: "SHEEN_ENVIRONMENT", value: plan.environment.rawValue, secret: false, source: "sheen"),
            AppVariable(
                name: "SHEEN_MARKETS", value: plan.markets.map(\.rawValue).joined(separator: ","), secret: false,
                source: "sheen"),
        ]
        var references: [String] = []
        for node in plan.nodes where node.role == .preflight {
            if let reference = node.connection, !references.contains(reference) { references.append(reference) }
        }
        for reference in references {
            let parts = reference.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2, let manifest = catalog.providers[parts[0]] else { continue }
            let alias = parts[1]
            let connection = bound.first { $0.reference == reference && $0.environment == plan.environment }
            var secrets: [String: String] = [:]
            if includeSecrets, let connection, let connections {
                secrets = try await connections.credentials(of: connection)
            }
            for field in manifest.auth.credentials {
                let base = field.env ?? Connection.environmentVariable(provider: manifest.id, field: field.name)
                let value = field.secret ? secrets[field.name] : connection?.fields[field.name]
                result.append(
                    AppVariable(
                        name: Self.name(base, alias: alias), value: value, secret: field.secret,
                        source: "\(manifest.name.en): \(field.label.en) (\(reference))",
                        withheld: field.secret && !includeSecrets && connection != nil, notConnected: connection == nil,
                        optional: field.optional)
                )
            }
        }
        for node in plan.nodes where node.role == .step {
            for output in node.outputs {
                guard let env = output.env else { continue }
                let alias = node.connection.flatMap { $0.split(separator: "/").last.map(String.init) }
                result.append(
                    AppVariable(
                        name: Self.name(env, alias: alias ?? Connection.defaultAlias),
                        value: output.secret ? nil : outputs[node.id]?[output.name], secret: output.secret,
                        source: "\(node.id) → \(output.name)"))
            }
        }
        return result
    }

    /// `TAP_SECRET_KEY` for the default alias, `TAP_SECRET_KEY_SA_ENTITY` for another.
    static func name(_ base: String, alias: String) -> String {
        guard alias != Connection.defaultAlias else { return base }
        return base + "_" + alias.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    // MARK: Rendering

    /// The variables as a file in `format`; withheld and unknown values are left empty and say why.
    public static func render(_ variables: [AppVariable], format: Format) -> String {
        switch format {
        case .dotenv:
            return variables.map { variable in
                var line = "# \(variable.source)\n"
                if variable.withheld {
                    line += "# secret: run 'sheen env export --include-secrets' to write it\n\(variable.name)="
                } else if variable.notConnected {
                    line += "# not connected: 'sheen plan' shows the sheen connect that adds it\n\(variable.name)="
                } else if let value = variable.value {
                    line += "\(variable.name)=\(dotenvQuoted(value))"
                } else {
                    line += "# not known yet: it appears once the step that produces it has run\n\(variable.name)="
                }
                return line
            }.joined(separator: "\n") + "\n"
        case .shell:
            return variables.compactMap { variable in
                guard let value = variable.value else { return "# \(variable.name): not set (\(variable.source))" }
                return "export \(variable.name)='\(value.replacingOccurrences(of: "'", with: "'\\''"))'"
            }.joined(separator: "\n") + "\n"
        case .json:
            var object: [String: JSONValue] = [:]
            for variable in variables { object[variable.name] = .optional(variable.value) }
            return JSONValue.object(object).rendered
        }
    }

    /// `.env.example`: every name with its source, no values at all.
    public static func example(_ variables: [AppVariable]) -> String {
        variables.map { "# \($0.source)" + ($0.secret ? " (secret)" : "") + "\n\($0.name)=" }
            .joined(separator: "\n") + "\n"
    }

    static func dotenvQuoted(_ value: String) -> String {
        let plain = value.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                || "_-./:@,+".unicodeScalars.contains($0)
        }
        if plain, !value.isEmpty { return value }
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "$", with: "\\$").replacingOccurrences(of: "\n", with: "\\n")
        return "\"\(escaped)\""
    }
}
