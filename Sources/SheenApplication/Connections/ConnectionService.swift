import Foundation
import SheenCatalog
import SheenModel
import SheenPlanner
import SheenSecrets

/// The connection use cases shared by the command line and the server: connect, list, show, remove, rotate, and
/// reading a connection's credentials for a call.
public struct ConnectionService: Sendable {
    public let store: any ConnectionStore
    public let keys: any KeyProvider
    public let catalog: Catalog
    public let now: @Sendable () -> Date

    public init(
        store: any ConnectionStore, keys: any KeyProvider, catalog: Catalog,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.keys = keys
        self.catalog = catalog
        self.now = now
    }

    var envelope: Envelope { Envelope(keys: keys) }

    // MARK: Connect

    /// Checks `request` against the provider's manifest, reads its values, seals the secret ones and stores it.
    public func connect(
        _ request: ConnectRequest, reader: any CredentialReader
    ) async throws(ConnectionError) -> ConnectionDetails {
        let manifest = try manifest(request.provider)
        guard Connection.isValidAlias(request.alias) else { throw .invalidAlias(request.alias) }
        for market in request.markets where !manifest.serves(market) {
            throw .marketNotServed(provider: manifest.id, market: market)
        }
        if let url = request.baseURL {
            guard request.sandbox else { throw .baseURLOnRealConnection }
            guard Self.isLoopback(url) else { throw .baseURLNotLoopback(url) }
        }
        let existing = try await guarded { try await store.connections(project: request.project) }
        if let clash = existing.first(where: {
            $0.provider == request.provider && $0.environment == request.environment && $0.alias == request.alias
        }) {
            throw .exists(reference: clash.reference, environment: clash.environment, sandbox: clash.sandbox)
        }
        var values = try resolve(
            request.fields, manifest: manifest,
            environment: Self.keyEnvironment(request.environment, sandbox: request.sandbox),
            reader: reader, complete: true)
        // A provider that signs nothing is authenticated by a secret token in the URL it calls: Sheen makes one.
        if let webhooks = manifest.webhooks, webhooks.scheme == .urlToken, let field = webhooks.secretField,
            values[field] == nil
        {
            values[field] = Self.urlToken()
        }
        let date = now()
        let plain = values.filter { manifest.auth.credential(named: $0.key)?.secret == false }
        let connection = Connection(
            id: UUID().uuidString.lowercased(), project: request.project, provider: request.provider,
            environment: request.environment, alias: request.alias, markets: request.markets,
            externalAccountID: request.externalAccountID, sandbox: request.sandbox, baseURL: request.baseURL,
            fields: plain, createdAt: date, updatedAt: date)
        let records = try seal(values, of: connection, manifest: manifest, slot: .current, at: date)
        do {
            try await store.save(connection, secrets: records)
        } catch let error as ConnectionStoreError {
            guard case .duplicate(let reference, _) = error else { throw .secrets(.corrupt) }
            throw .exists(reference: reference, environment: request.environment, sandbox: request.sandbox)
        } catch {
            throw .secrets(.corrupt)
        }
        return ConnectionDetails(connection: connection, secrets: records.map(SecretStatus.init))
    }

    /// ``connect(_:reader:)`` with the values a request body carries (the API, the dashboard's form): each is read as
    /// a reference is, so secret fields are accepted, and none is kept anywhere but sealed in the store.
    public func connect(
        _ request: ConnectRequest, values: [String: String]
    ) async throws(ConnectionError) -> ConnectionDetails {
        var request = request
        request.fields = Dictionary(uniqueKeysWithValues: values.keys.map { ($0, CredentialInput.environment($0)) })
        return try await connect(request, reader: GivenValues(values: values))
    }

    /// Seals a secret the provider issued (Stripe's webhook signing secret) into `field` of `connection`, through the
    /// same staged write as a rotation, so a crash leaves either the old value or the new one.
    public func storeIssuedSecret(
        _ value: String, field: String, of connection: Connection
    ) async throws(ConnectionError) {
        _ = try await rotate(
            project: connection.project, provider: connection.provider, alias: connection.alias,
            environment: connection.environment, fields: [field: .environment(field)],
            reader: GivenValues(values: [field: value]))
    }

    /// The URL to register with `provider` for the connection `alias`: `base` + its receiver path, plus the
    /// connection's secret token for providers that sign nothing. `revealsSecret` says whether the URL is a secret.
    public func webhookURL(
        project: String, provider: String, alias: String = Connection.defaultAlias,
        environment: DeploymentEnvironment?, base: String
    ) async throws(ConnectionError) -> (url: String, revealsSecret: Bool) {
        guard let webhooks = try manifest(provider).webhooks else { throw .noWebhooks(provider) }
        let found = try await find(project: project, provider: provider, alias: alias, environment: environment)
        let url = base + Connection.webhookPath(provider: provider, alias: alias)
        guard webhooks.scheme == .urlToken, let field = webhooks.secretField else { return (url, false) }
        guard let token = try await credentials(of: found.connection)[field] else {
            throw .noWebhookToken(reference: found.connection.reference, field: field)
        }
        var components = URLComponents(string: url)
        components?.queryItems = [URLQueryItem(name: "token", value: token)]
        return (components?.string ?? url, true)
    }

    /// 256 random bits, base64url without padding: safe in a query string as it is.
    static func urlToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    // MARK: Read

    /// Every stored connection of `project`, with the status of each secret field (never a value).
    public func list(project: String) async throws(ConnectionError) -> [ConnectionDetails] {
        let connections = try await guarded { try await store.connections(project: project) }
        var result: [ConnectionDetails] = []
        for connection in connections {
            let secrets = try await guarded { try await store.secrets(of: connection.id) }
            result.append(ConnectionDetails(connection: connection, secrets: secrets.map(SecretStatus.init)))
        }
        return result
    }

    /// The one connection named by provider and alias (and environment, when more than one has them).
    public func find(
        project: String, provider: String, alias: String = Connection.defaultAlias,
        environment: DeploymentEnvironment?
    ) async throws(ConnectionError) -> ConnectionDetails {
        let all = try await guarded { try await store.connections(project: project) }
        let matching = all.filter {
            $0.provider == provider && $0.alias == alias && (environment == nil || $0.environment == environment)
        }
        guard let first = matching.first else {
            throw .notFound(
                reference: "\(provider)/\(alias)", environment: environment,
                known: all.map { "\($0.reference) (\($0.environment.rawValue))" })
        }
        guard matching.count == 1 else {
            throw .ambiguous(reference: first.reference, environments: matching.map(\.environment))
        }
        // Only the one connection's secrets are read (listing would read every connection's).
        let secrets = try await guarded { try await store.secrets(of: first.id) }
        return ConnectionDetails(connection: first, secrets: secrets.map(SecretStatus.init))
    }

    public func remove(
        project: String, provider: String, alias: String = Connection.defaultAlias,
        environment: DeploymentEnvironment?
    ) async throws(ConnectionError) -> Connection {
        let found = try await find(project: project, provider: provider, alias: alias, environment: environment)
        _ = try await guarded { try await store.removeConnection(id: found.connection.id) }
        return found.connection
    }

    /// The project's connections a plan binds to: stored ones, and those `sheen.yaml` declares (a stored connection
    /// wins over a declared one with the same provider, environment and alias).
    public func connections(project: String, declared: [Connection]) async throws(ConnectionError) -> [Connection] {
        let stored = try await guarded { try await store.connections(project: project) }
        let extra = declared.filter { candidate in
            !stored.contains {
                $0.provider == candidate.provider && $0.environment == candidate.environment
                    && $0.alias == candidate.alias
            }
        }
        return stored + extra
    }

    /// `source` with the project's connections bound in (a recipe request gets stored and declared ones), and the
    /// connections a run of it may use.
    public func bind(_ source: PlanSource) async throws(ConnectionError) -> (PlanSource, [Connection]) {
        switch source {
        case .request(var request):
            request.connections = try await connections(project: request.projectName, declared: request.connections)
            return (.request(request), request.connections)
        case .saved(let plan):
            return (source, try await connections(project: plan.projectName, declared: []))
        case .dag:
            return (source, [])
        }
    }

    /// The connection's credential values, decrypted in memory for one call (a declared connection's are read from
    /// `environment`). Never log or store the result.
    public func credentials(
        of connection: Connection, environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws(ConnectionError) -> [String: String] {
        var values = connection.fields
        if connection.origin == .declared {
            for (field, variable) in connection.references.sorted(by: { $0.key < $1.key }) {
                guard let value = environment[variable], !value.isEmpty else {
                    throw .variableUnset(field: field, variable: variable)
                }
                values[field] = value
            }
            return values
        }
        let records = try await guarded { try await store.secrets(of: connection.id) }
        for record in records where record.slot == .current {
            let context = Self.context(connection, field: record.field)
            do {
                values[record.field] = try envelope.open(record.sealed, for: context)
            } catch {
                throw .secrets(error)
            }
        }
        return values
    }

    // MARK: Rotate

    /// Replaces some credential fields: the new values are staged beside the old ones, `verify` is asked about the
    /// new set, and only then do they replace the old; a failed verification keeps the old ones and says why.
    public func rotate(
        project: String, provider: String, alias: String = Connection.defaultAlias,
        environment: DeploymentEnvironment?, fields: [String: CredentialInput], reader: any CredentialReader,
        verify: @Sendable (Connection, [String: String]) async -> LocalizedText? = { _, _ in nil }
    ) async throws(ConnectionError) -> ConnectionDetails {
        guard !fields.isEmpty else { throw .nothingToRotate(reference: "\(provider)/\(alias)") }
        let found = try await find(project: project, provider: provider, alias: alias, environment: environment)
        var connection = found.connection
        let manifest = try manifest(provider)
        let values = try resolve(
            fields, manifest: manifest,
            environment: Self.keyEnvironment(connection.environment, sandbox: connection.sandbox), reader: reader,
            complete: false)
        let date = now()
        let pending = try seal(values, of: connection, manifest: manifest, slot: .pending, at: date)
        try await guarded { try await store.stagePending(pending) }
        var candidate = try await credentials(of: connection)
        candidate.merge(values) { _, new in new }
        var updated = connection
        for (field, value) in values where manifest.auth.credential(named: field)?.secret == false {
            updated.fields[field] = value
        }
        if let reason = await verify(updated, candidate) {
            try await guarded { try await store.discardPending(connectionID: connection.id) }
            throw .verificationFailed(reference: connection.reference, reason: reason)
        }
        updated.updatedAt = date
        updated.problem = nil
        connection = updated
        try await guarded {
            try await store.save(connection, secrets: [])
            try await store.promotePending(connectionID: connection.id)
        }
        let secrets = try await guarded { try await store.secrets(of: connection.id) }
        return ConnectionDetails(connection: connection, secrets: secrets.map(SecretStatus.init))
    }

    // MARK: Values

    /// Reads each field's value from where its input says, after checking the fields against the manifest; with
    /// `complete`, every required field must end up with a value (missing ones are asked for on a terminal).
    func resolve(
        _ inputs: [String: CredentialInput], manifest: ProviderManifest, environment: DeploymentEnvironment,
        reader: any CredentialReader, complete: Bool
    ) throws(ConnectionError) -> [String: String] {
        let known = manifest.auth.credentials.map(\.name)
        for field in inputs.keys.sorted() where !known.contains(field) {
            throw .unknownField(
                provider: manifest.id, field: field, suggestion: Suggestion.closest(to: field, in: known), known: known)
        }
        for field in manifest.auth.credentials where field.secret {
            if case .literal = inputs[field.name] { throw .secretOnCommandLine(field: field.name) }
        }
        var plan = inputs
        if complete {
            for field in manifest.auth.credentials where !field.optional && plan[field.name] == nil {
                plan[field.name] = .prompt
            }
        }
        var values: [String: String] = [:]
        var unanswered: [ProviderManifest.CredentialField] = []
        var readStandardInput = false
        for field in manifest.auth.credentials {
            guard let input = plan[field.name] else { continue }
            let value: String
            switch input {
            case .literal(let text):
                value = text
            case .environment(let variable):
                guard let text = reader.environmentVariable(variable) else {
                    throw .variableUnset(field: field.name, variable: variable)
                }
                value = text
            case .file(let path):
                do {
                    value = try reader.contents(ofFile: path)
                } catch {
                    throw .unreadableFile(field: field.name, path: path, reason: "\(error.localizedDescription)")
                }
            case .standardInput:
                guard !readStandardInput else { throw .noTerminal(field: field.name) }
                readStandardInput = true
                do {
                    value = try reader.standardInput()
                } catch {
                    throw .unreadableFile(field: field.name, path: "-", reason: "\(error.localizedDescription)")
                }
            case .prompt:
                guard let answer = reader.prompt(field.label.en) else {
                    unanswered.append(field)
                    continue
                }
                value = answer
            }
            let trimmed = value.trimmingCharacters(in: .newlines)
            guard !trimmed.isEmpty else {
                if field.optional, case .prompt = input { continue }
                throw .emptyValue(field: field.name)
            }
            try check(trimmed, field: field, environment: environment)
            values[field.name] = trimmed
        }
        if !unanswered.isEmpty {
            if unanswered.count == 1, unanswered[0].secret { throw .noTerminal(field: unanswered[0].name) }
            throw .missingFields(provider: manifest.id, fields: unanswered)
        }
        return values
    }

    /// The environment whose key patterns a connection's values must match: a sandbox connection's are the
    /// simulators' test keys whatever environment it serves, so a prod plan can run against the simulators.
    static func keyEnvironment(_ environment: DeploymentEnvironment, sandbox: Bool) -> DeploymentEnvironment {
        sandbox ? .dev : environment
    }

    /// The manifest's pattern for `environment`; a value matching another environment's pattern is named as such
    /// (a live key offered for dev).
    func check(
        _ value: String, field: ProviderManifest.CredentialField, environment: DeploymentEnvironment
    ) throws(ConnectionError) {
        guard let pattern = field.patterns[environment], !Self.matches(value, pattern) else { return }
        let looksLike = DeploymentEnvironment.allCases.first { other in
            other != environment && field.patterns[other].map { $0 != pattern && Self.matches(value, $0) } == true
        }
        throw .patternMismatch(
            field: field.name, environment: environment, pattern: pattern, looksLike: looksLike, hint: field.hint)
    }

    static func matches(_ value: String, _ pattern: String) -> Bool {
        value.range(of: pattern, options: .regularExpression) != nil
    }

    private func seal(
        _ values: [String: String], of connection: Connection, manifest: ProviderManifest, slot: SecretRecord.Slot,
        at date: Date
    ) throws(ConnectionError) -> [SecretRecord] {
        var records: [SecretRecord] = []
        for field in manifest.auth.credentials where field.secret {
            guard let value = values[field.name] else { continue }
            do {
                let sealed = try envelope.seal(value, for: Self.context(connection, field: field.name))
                let fingerprint = try SecretFingerprint.of(value, field: field.name, keys: keys)
                records.append(
                    SecretRecord(
                        connectionID: connection.id, field: field.name, slot: slot, sealed: sealed,
                        fingerprint: fingerprint, setAt: date))
            } catch {
                throw .secrets(error)
            }
        }
        return records
    }

    static func context(_ connection: Connection, field: String) -> SecretContext {
        SecretContext(
            connectionID: connection.id, provider: connection.provider, environment: connection.environment.rawValue,
            field: field)
    }

    private func manifest(_ id: String) throws(ConnectionError) -> ProviderManifest {
        guard let manifest = catalog.providers[id] else {
            throw .unknownProvider(id, known: catalog.providers.keys.sorted())
        }
        return manifest
    }

    /// Loopback only: a sandbox connection may point at a local simulator, never at another host that would receive
    /// whatever keys the connection holds.
    static func isLoopback(_ url: String) -> Bool {
        guard let components = URLComponents(string: url), let host = components.host,
            ["http", "https"].contains(components.scheme ?? "")
        else { return false }
        return ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host.lowercased()) || host.hasPrefix("127.")
    }

    /// Store failures surface as the store's own words; they never carry a credential.
    private func guarded<T>(_ body: () async throws -> T) async throws(ConnectionError) -> T {
        do {
            return try await body()
        } catch let error as ConnectionError {
            throw error
        } catch let error as SecretError {
            throw .secrets(error)
        } catch {
            throw .store("\(error)")
        }
    }
}

/// What `sheen connect` asks for.
public struct ConnectRequest: Sendable {
    public var project: String
    public var provider: String
    public var environment: DeploymentEnvironment
    public var alias: String
    public var markets: [CountryCode]
    public var externalAccountID: String?
    public var sandbox: Bool
    public var baseURL: String?
    public var fields: [String: CredentialInput]

    public init(
        project: String, provider: String, environment: DeploymentEnvironment, alias: String = Connection.defaultAlias,
        markets: [CountryCode] = [], externalAccountID: String? = nil, sandbox: Bool = false, baseURL: String? = nil,
        fields: [String: CredentialInput] = [:]
    ) {
        self.project = project
        self.provider = provider
        self.environment = environment
        self.alias = alias
        self.markets = markets
        self.externalAccountID = externalAccountID
        self.sandbox = sandbox
        self.baseURL = baseURL
        self.fields = fields
    }
}

/// A connection as `connections list/show` present it: its plain fields, and for each secret field only whether it is
/// set, its fingerprint and when.
public struct ConnectionDetails: Sendable, Hashable {
    public var connection: Connection
    public var secrets: [SecretStatus]
}

public struct SecretStatus: Sendable, Hashable {
    public var field: String
    public var fingerprint: String
    public var setAt: Date
    public var keyID: String
    public var pending: Bool

    init(_ record: SecretRecord) {
        field = record.field
        fingerprint = record.fingerprint
        setAt = record.setAt
        keyID = record.sealed.keyID
        pending = record.slot == .pending
    }
}
