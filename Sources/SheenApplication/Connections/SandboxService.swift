import SheenModel
import SheenSimulator

/// Sandbox connections: one per simulated provider, pointing at `sheen sandbox serve`'s loopback port for it and
/// holding the test credentials the simulator accepts.
public struct SandboxService: Sendable {
    public let connections: ConnectionService

    public init(connections: ConnectionService) { self.connections = connections }

    public enum Outcome: Sendable, Hashable {
        case connected(reference: String, baseURL: String)
        /// A connection under that name already exists (sandbox or not); it is left as it is.
        case kept(reference: String, sandbox: Bool)
        /// The provider's simulator was told the receiver URL a real account sets in its dashboard (`set` false:
        /// no simulator answered; run `sheen sandbox serve` and connect again).
        case dashboard(reference: String, set: Bool)
    }

    /// Connects `providers` (every simulated one when empty) for `project` in `environment`. With `publicURL` (the
    /// project's `webhooks.public_url`), providers registered in a dashboard (Infobip) get their receiver URL set on
    /// the running simulator, as a person would set it in the provider's console.
    public func connect(
        project: String, environment: DeploymentEnvironment, providers: [String] = [],
        portBase: Int = Sandbox.defaultPortBase, publicURL: String? = nil
    ) async throws(ConnectionError) -> [Outcome] {
        let chosen = providers.isEmpty ? Sandbox.providers.map(\.id) : providers
        let existing = try await connections.list(project: project).map(\.connection)
        var outcomes: [Outcome] = []
        for id in chosen {
            guard let simulated = Sandbox.provider(id), let port = Sandbox.port(of: id, portBase: portBase) else {
                throw .unknownProvider(id, known: Sandbox.providers.map(\.id))
            }
            if let found = existing.first(where: {
                $0.provider == id && $0.environment == environment && $0.alias == Connection.defaultAlias
            }) {
                outcomes.append(.kept(reference: found.reference, sandbox: found.sandbox))
                continue
            }
            let baseURL = "http://127.0.0.1:\(port)"
            _ = try await connections.connect(
                ConnectRequest(
                    project: project, provider: id, environment: environment, sandbox: true, baseURL: baseURL,
                    fields: Dictionary(
                        uniqueKeysWithValues: simulated.credentials.keys.map { ($0, CredentialInput.environment($0)) })),
                reader: GivenValues(values: simulated.credentials))
            outcomes.append(.connected(reference: "\(id)/\(Connection.defaultAlias)", baseURL: baseURL))
        }
        if let publicURL, chosen.contains("infobip") {
            let (url, _) = try await connections.webhookURL(
                project: project, provider: "infobip", environment: environment, base: publicURL)
            let set = await Sandbox.setNotificationURL(url, provider: "infobip", portBase: portBase)
            outcomes.append(.dashboard(reference: "infobip/\(Connection.defaultAlias)", set: set))
        }
        return outcomes
    }
}
