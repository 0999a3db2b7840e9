import Foundation
import SheenChecks
import SheenEngine
import SheenModel
import SheenPlanner
import SheenWebhooks

/// The activation checklist use cases, for the CLI, `sheen up` and the server alike: gather the facts for a project
/// (recorded steps, verified events, probes, attestations), judge them with ``ChecklistEvaluator``, store the
/// conditions, and record attestations where an item allows them.
public struct ChecklistService: Sendable {
    public let store: any StateStore & ChecklistStore
    public let events: (any EventStore)?
    public let catalog: Catalog
    public let connections: ConnectionService?

    public init(
        store: any StateStore & ChecklistStore, events: (any EventStore)?, catalog: Catalog,
        connections: ConnectionService? = nil
    ) {
        self.store = store
        self.events = events
        self.catalog = catalog
        self.connections = connections
    }

    /// Where the probes look; `nil` fields take the project's (its domain, its environment file).
    public struct ProbeOverrides: Sendable {
        public var dns: DNSLookup
        public var policy: AddressPolicy
        public var trust: TLSCertificateCheck.Trust
        public var httpsPort: Int
        public var fontPath: String?

        public init(
            dns: DNSLookup = DNSLookup(), policy: AddressPolicy = .publicOnly,
            trust: TLSCertificateCheck.Trust = .system, httpsPort: Int = 443, fontPath: String? = nil
        ) {
            self.dns = dns
            self.policy = policy
            self.trust = trust
            self.httpsPort = httpsPort
            self.fontPath = fontPath
        }
    }

    /// One evaluation: the plan it judged and each applicable item's condition, in the checklist's order.
    public struct Report: Sendable {
        public var plan: Plan
        public var conditions: [ChecklistCondition]

        public var ready: Bool { !conditions.isEmpty && conditions.allSatisfy(\.isGreen) }
        /// Not green, blocking (False) first, then unknown, each in checklist order.
        public var blocking: [ChecklistCondition] {
            conditions.filter { $0.status == .false } + conditions.filter { $0.status == .unknown }
        }
    }

    /// Judges `source`'s checklist now and stores the conditions. `projectDirectory` holds the environment file.
    public func evaluate(
        _ source: PlanSource, projectDirectory: String?, probes overrides: ProbeOverrides = ProbeOverrides(),
        now: Date = Date()
    ) async throws -> Report {
        guard case .request(let request) = source else { throw ApplicationError.noChecklist }
        var source = source
        var bound: [Connection] = request.connections
        if let connections { (source, bound) = try await connections.bind(source) }
        let scope = source.scope
        let snapshot = try await store.snapshot(scope)
        let plan = try source.plan(catalog: catalog, state: snapshot)
        guard let checklist = catalog.checklists[request.recipe.checklist.id] else {
            throw ApplicationError.noChecklist
        }
        let applicable = plan.checklist.filter(\.applies).compactMap { entry in
            checklist.items.first { $0.id == entry.item }
        }
        let wanted = Set(
            applicable.flatMap(\.evidence).compactMap { evidence -> Checklist.Probe? in
                if case .probe(let probe) = evidence { return probe }
                return nil
            })
        var outputs: [String: [String: String]] = [:]
        for (id, state) in snapshot.states { outputs[id] = state.outputs }
        let variables =
            wanted.contains(.envComplete)
            ? try await AppEnvironment(catalog: catalog, connections: connections).variables(
                of: plan, bound: bound, outputs: outputs, includeSecrets: false
            ).filter { !$0.optional }.map(\.name) : []
        let settings = ProbeSettings(
            domain: request.domain, httpsPort: overrides.httpsPort, fontPath: overrides.fontPath, dns: overrides.dns,
            policy: overrides.policy, trust: overrides.trust,
            envFile: projectDirectory.map {
                ($0 as NSString).appendingPathComponent(".env.\(scope.environment.rawValue)")
            }, requiredVariables: variables,
            region: snapshot.states.values.sorted { $0.stepID < $1.stepID }.compactMap { $0.outputs["region"] }.first)
        let facts = ChecklistFacts(
            steps: snapshot.states, events: try await observedEvents(project: scope.project),
            probes: await ChecklistProbes(settings).run(wanted, now: now),
            attestations: Dictionary(
                try await store.attestations(in: scope).map { ($0.item, $0) }, uniquingKeysWith: { _, last in last }),
            templates: request.recipe.templates)
        let previous = try await store.conditions(in: scope)
        let conditions = ChecklistEvaluator(checklist: checklist).evaluate(
            plan, facts: facts, previous: previous, now: now)
        try await store.saveConditions(conditions, in: scope)
        return Report(plan: plan, conditions: conditions)
    }

    /// The project's verified events, as the checklist reads them (never their bodies).
    func observedEvents(project: String) async throws -> [ObservedEvent] {
        guard let events else { return [] }
        return try await events.events(provider: nil, status: nil, limit: 100_000).filter {
            $0.project == project && $0.status != .dead
        }.map {
            ObservedEvent(
                provider: $0.event.provider, type: $0.event.type, object: $0.event.objectID, status: $0.event.status,
                receivedAt: $0.receivedAt, sequence: $0.id)
        }
    }

    /// Records a person's attestation for `item`, refused unless the item applies and its evidence allows `manual`.
    public func attest(
        _ item: String, evidence: String, by person: String, source: PlanSource, now: Date = Date()
    ) async throws -> Attestation {
        guard case .request(let request) = source, let checklist = catalog.checklists[request.recipe.checklist.id]
        else { throw ApplicationError.noChecklist }
        guard let found = checklist.items.first(where: { $0.id == item }) else {
            throw ApplicationError.unknownChecklistItem(item, known: checklist.items.map(\.id))
        }
        guard found.evidence.contains(.manualAttestation) else {
            throw ApplicationError.attestationNotAllowed(item)
        }
        let trimmed = evidence.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw ApplicationError.emptyAttestation(item) }
        let attestation = Attestation(item: item, evidence: trimmed, by: person, at: now)
        try await store.attest(attestation, in: source.scope)
        return attestation
    }
}
