import SheenEngine
import SheenModel
import SheenPlanner

/// The `preflight.credentials` check: the step's connection exists for this environment, every required field has a
/// value, each value matches the manifest's pattern for the environment (a live key in dev fails; a sandbox
/// connection holds test keys in every environment), and the sealed
/// values decrypt. A failure names the command that fixes it.
struct CredentialCheckRunner: StepRunner {
    let catalog: Catalog
    let connections: [Connection]

    func observe(_ context: StepContext) async throws -> StepResult? { nil }

    func create(_ context: StepContext) async throws -> StepResult {
        guard let id = context.provider, let manifest = catalog.providers[id] else {
            throw StepFailure(.invalid, message: "no manifest for provider '\(context.provider ?? "?")'")
        }
        let reference = context.connection ?? ConnectionKey.default(for: id)
        guard
            let connection = connections.first(where: {
                $0.reference == reference && $0.environment == context.environment
            })
        else {
            let alias = String(reference.split(separator: "/").last ?? "default")
            let missing = Plan.MissingConnection(
                provider: id, environment: context.environment, alias: alias,
                markets: (context.inputs["markets"] ?? "").split(separator: ",").compactMap {
                    CountryCode(rawValue: String($0))
                }, fields: manifest.auth.credentials.filter { !$0.optional }.map(\.name))
            throw StepFailure(
                .invalid,
                message: "no \(context.environment.rawValue) connection \(reference): run '\(missing.command)'")
        }
        let credentials = try await context.credentials()
        for field in manifest.auth.credentials {
            guard let value = credentials[field.name], !value.isEmpty else {
                if field.optional { continue }
                throw StepFailure(
                    .invalid,
                    message: "\(reference) has no value for '\(field.name)': run 'sheen connections rotate \(id) "
                        + "--alias \(reference.split(separator: "/").last ?? "default") --env \(context.environment.rawValue) "
                        + "--field \(field.name)=@env:\(Connection.environmentVariable(provider: id, field: field.name))'"
                )
            }
            let keys = ConnectionService.keyEnvironment(context.environment, sandbox: connection.sandbox)
            if let pattern = field.patterns[keys], !ConnectionService.matches(value, pattern) {
                throw StepFailure(
                    .invalid,
                    message:
                        "\(reference): '\(field.name)' does not match \(pattern) for \(context.environment.rawValue)"
                        + (field.hint.map { " (\($0.en))" } ?? ""))
            }
        }
        return StepResult()
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}
}
