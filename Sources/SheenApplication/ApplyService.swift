import Foundation
import SheenEngine
import SheenModel
import SheenPlanner
import SheenProviders
import SheenSecrets
import SheenWebhooks

/// The apply, resume and destroy use cases, for every entry point (a project, a recipe, a neutral DAG, a saved plan)
/// and every front end (the CLI today, the HTTP server later): it takes the apply lock, plans against the recorded
/// state (or stale-checks a saved plan), asks the caller to confirm, and runs the executor with the built-in runners,
/// the manifests' rate limits, the connection keys and the lock's fence.
public struct ApplyService: Sendable {
    /// What a finished apply or destroy came to.
    public enum Outcome: Sendable {
        /// The plan changes nothing; no step was called.
        case noChanges(Plan)
        /// The caller declined at the confirmation.
        case declined
        /// The executor ran; the report says what happened to each step.
        case ran(ExecutionReport)
    }

    /// What the caller is asked to confirm before an apply: the plan, and how many steps an earlier run left in
    /// flight (they are observed at the provider before anything is resent).
    public struct Confirmation: Sendable {
        public var plan: Plan
        public var inFlight: Int
    }

    public let store: any StateStore
    /// The catalog whose manifests give rate limits; empty for neutral DAGs.
    public let catalog: Catalog
    public var settings: ApplySettings
    public var runners: RunnerRegistry
    /// The engine's clock: rate limits, backoff and breakers. The lease always runs on the wall clock, because other
    /// processes read its expiry.
    public var clock: any EngineClock
    public var lockTTL: Duration
    /// Where the project's connections and their sealed credentials come from; without it every provider step is
    /// bound to a connection that does not exist, and its credential check says how to add one.
    public var connections: ConnectionService?

    /// `events` is where `sheen serve` stores webhooks: steps read reviews from it that only notifications carry
    /// (why Meta rejected a WhatsApp template).
    public init(
        store: any StateStore, catalog: Catalog, settings: ApplySettings = ApplySettings(),
        runners: RunnerRegistry? = nil, clock: any EngineClock = SystemClock(), lockTTL: Duration = .seconds(60),
        connections: ConnectionService? = nil, events: (any EventStore)? = nil
    ) {
        self.connections = connections
        self.store = store
        self.catalog = catalog
        self.settings = settings
        self.runners = runners ?? Self.builtInRunners(settings, catalog: catalog, events: events)
        self.clock = clock
        self.lockTTL = lockTTL
    }

    /// The runners Sheen ships with: `sheen.data` for neutral DAGs, and the provider adapters for the catalog's
    /// providers.
    public static func builtInRunners(
        _ settings: ApplySettings, catalog: Catalog = Catalog(), events: (any EventStore)? = nil
    ) -> RunnerRegistry {
        var runners = RunnerRegistry()
        runners.register(
            SheenDataRunner(latency: settings.stepLatency, ledgerPath: settings.dataLedgerPath), for: "sheen.data")
        runners.register(WebhookReceiverRunner(), for: "recipe.webhook-receiver")
        runners.register(DomainRunner(), for: "recipe.domain")
        runners.register(DNSPreflightRunner(), for: "preflight.dns")
        ProviderAdapters.register(into: &runners, catalog: catalog, reviews: events.map(Self.templateReviews))
        return runners
    }

    /// The latest stored review of a WhatsApp template and language (Infobip's `TEMPLATE_STATUS_UPDATE`, normalised
    /// with the template as the object and `STATUS[:REASON]` as the status).
    static func templateReviews(_ events: any EventStore) -> TemplateReviews {
        TemplateReviews { name, language in
            let stored = (try? await events.events(provider: "infobip", status: nil, limit: 500)) ?? []
            return stored.filter {
                $0.event.type == "TEMPLATE_STATUS_UPDATE" && $0.event.objectID == "\(name)/\(language)"
            }
            .max { $0.id < $1.id }?.event.status
        }
    }

    // MARK: Use cases

    /// Plans `source` under the apply lock and, once `confirm` agrees, applies it. `confirm` is not called when the
    /// plan changes nothing.
    public func apply(
        _ source: PlanSource, confirm: @escaping @Sendable (Confirmation) async throws -> Bool,
        events: @escaping @Sendable (ExecutionEvent) -> Void = { _ in }
    ) async throws -> Outcome {
        let scope = source.scope
        let (source, bound) = try await bindingConnections(source)
        return try await locked(scope) { lock in
            let snapshot = try await store.snapshot(scope)
            let plan = try source.plan(catalog: catalog, state: snapshot)
            guard plan.hasChanges else { return .noChanges(plan) }
            let inFlight = snapshot.states.values.count { $0.status == .inFlight }
            guard try await confirm(Confirmation(plan: plan, inFlight: inFlight)) else { return .declined }
            let executor = executor(environment: scope.environment, connections: bound, plan: plan, events: events)
            return .ran(try await executor.apply(plan, scope: scope, fence: lock.fence))
        }
    }

    /// `source`'s plan against the recorded state, with the project's connections bound: what `apply` would do now.
    public func plan(_ source: PlanSource) async throws -> Plan {
        let (source, _) = try await bindingConnections(source)
        return try source.plan(catalog: catalog, state: try await store.snapshot(source.scope))
    }

    /// `source` with the project's connections bound in, and those connections for the run.
    func bindingConnections(_ source: PlanSource) async throws(ConnectionError) -> (PlanSource, [Connection]) {
        if let connections { return try await connections.bind(source) }
        if case .request(let request) = source { return (source, request.connections) }
        return (source, [])
    }

    /// Deletes everything recorded for `scope`, deepest level first, once `confirm` agrees to the number of
    /// resources; `confirm` is not called when nothing is recorded.
    public func destroy(
        _ scope: StoreScope, confirm: @escaping @Sendable (Int) async throws -> Bool,
        events: @escaping @Sendable (ExecutionEvent) -> Void = { _ in }
    ) async throws -> Outcome? {
        try await locked(scope) { lock in
            let count = try await store.steps(in: scope).count
            guard count > 0 else { return nil }
            guard try await confirm(count) else { return .declined }
            let bound = try await connections?.connections(project: scope.project, declared: []) ?? []
            let executor = executor(environment: scope.environment, connections: bound, events: events)
            return .ran(try await executor.destroy(scope: scope, fence: lock.fence))
        }
    }

    // MARK: Wiring

    /// The executor for one run in `environment`: the registered runners, token buckets per provider and per
    /// connection from the manifests, and circuit breakers keyed by connection.
    public func executor(
        environment: DeploymentEnvironment, connections bound: [Connection] = [], plan: Plan? = nil,
        events: @escaping @Sendable (ExecutionEvent) -> Void = { _ in }
    ) -> Executor {
        var runners = runners
        let inEnvironment = bound.filter { $0.environment == environment }
        if let plan, let directory = settings.projectDirectory, runners.runner(for: "recipe.env-file") == nil {
            runners.register(
                EnvFileRunner(
                    plan: plan, bound: inEnvironment,
                    environment: AppEnvironment(catalog: catalog, connections: connections),
                    store: store, directory: directory), for: "recipe.env-file")
        }
        if runners.runner(for: "preflight.credentials") == nil {
            runners.register(
                CredentialCheckRunner(catalog: catalog, connections: inEnvironment), for: "preflight.credentials")
        }
        let service = connections
        return Executor(
            store: store, runners: runners, clock: clock,
            // On a shared store every worker spends from the same buckets.
            limiter: RateLimiter(
                limits: Self.rateLimits(catalog, environment: environment), shared: store as? any SharedGuards),
            rateKeys: { node in
                node.provider.map { [$0, ConnectionKey.of(node) ?? ConnectionKey.default(for: $0)] } ?? []
            },
            connection: ConnectionKey.of,
            credentials: { node in
                guard let reference = ConnectionKey.of(node),
                    let connection = inEnvironment.first(where: { $0.reference == reference })
                else { return .none }
                return Self.access(to: connection, through: service)
            },
            options: ExecutionOptions(
                parallelism: settings.parallelism, stepTimeout: settings.stepTimeout,
                continueOnError: settings.continueOnError),
            events: events)
    }

    /// How a step reaches `connection`: its credentials (with a live access token for token-based providers), its
    /// base URL override, and its store for secrets the provider issues.
    static func access(to connection: Connection, through service: ConnectionService?) -> CredentialAccess {
        guard let service else {
            return CredentialAccess(baseURL: connection.baseURL) { Credentials(connection.fields) }
        }
        let save: @Sendable (String, String) async throws -> Void = { field, value in
            do throws(ConnectionError) {
                try await service.storeIssuedSecret(value, field: field, of: connection)
            } catch {
                throw StepFailure(.invalid, message: error.message.en)
            }
        }
        return CredentialAccess(baseURL: connection.baseURL, save: save) {
            do throws(ConnectionError) {
                var values = try await service.credentials(of: connection)
                // A token-based provider's adapter gets a live access token beside the credentials.
                let tokens = TokenService(connections: service)
                if tokens.usesTokens(connection.provider) {
                    values["access_token"] = try await tokens.accessToken(for: connection)
                }
                return Credentials(values)
            } catch {
                // A busy token endpoint is a transient failure the engine retries with backoff, like a 503.
                if case .tokenUnavailable = error {
                    throw StepFailure(.http(status: 503, retryAfter: nil), message: error.message.en)
                }
                throw StepFailure(.invalid, message: error.message.en + (error.hint.map { "; \($0.en)" } ?? ""))
            }
        }
    }

    /// The token buckets the manifests ask for in `environment`: account-wide limits keyed by provider id,
    /// per-connection ones as `provider/*` (a bucket for each connection); the tightest wins where a manifest lists
    /// several for one key.
    public static func rateLimits(
        _ catalog: Catalog, environment: DeploymentEnvironment
    ) -> [String: RateLimiter.Limit] {
        var limits: [String: RateLimiter.Limit] = [:]
        for provider in catalog.sortedProviders {
            for limit in provider.rateLimits
            where limit.environments.isEmpty || limit.environments.contains(environment) {
                guard limit.scope == .account || limit.scope == .connection else { continue }
                let key = limit.scope == .account ? provider.id : ConnectionKey.anyConnection(of: provider.id)
                if let existing = limits[key], Double(existing.requests) / existing.perSeconds <= limit.ratePerSecond {
                    continue
                }
                limits[key] = RateLimiter.Limit(
                    requests: limit.requests, perSeconds: limit.perSeconds, burst: limit.burst)
            }
        }
        return limits
    }

    /// Runs `body` under the scope's apply lock, mapping the lock's refusals to ``ApplicationError``; other errors
    /// (the caller's confirmation, the store's I/O) pass through.
    private func locked<T: Sendable>(
        _ scope: StoreScope, _ body: @escaping @Sendable (LockInfo) async throws -> T
    ) async throws -> T {
        do {
            return try await ApplyLock.withLock(store: store, scope: scope, ttl: lockTTL, body)
        } catch let held as LockHeld {
            throw ApplicationError.lockHeld(held)
        } catch let lost as LockLost {
            throw ApplicationError.lockLost(lost)
        }
    }
}

/// How hard an apply pushes, and the built-in runners' knobs.
public struct ApplySettings: Sendable {
    public var parallelism: Int
    public var continueOnError: Bool
    /// Added to every `sheen.data` call, for benchmarks.
    public var stepLatency: Duration
    /// Where `sheen.data` records its creates, the crash tests' stand-in for a provider's own records.
    public var dataLedgerPath: String?
    /// The project's directory, where the `recipe.env-file` step writes `.env.<environment>`; `nil` leaves that step
    /// without a runner.
    public var projectDirectory: String?
    /// How long one call may take before it counts as a timeout (then retried, observing first).
    public var stepTimeout: Duration

    public init(
        parallelism: Int = 10, continueOnError: Bool = true, stepLatency: Duration = .zero,
        dataLedgerPath: String? = nil, projectDirectory: String? = nil, stepTimeout: Duration = .seconds(600)
    ) {
        self.projectDirectory = projectDirectory
        self.stepTimeout = stepTimeout
        self.parallelism = parallelism
        self.continueOnError = continueOnError
        self.stepLatency = stepLatency
        self.dataLedgerPath = dataLedgerPath
    }
}
