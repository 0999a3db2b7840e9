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
        let project = try await JudgedProject.load(source, catalog: catalog, store: store, connections: connections)
        let (request, scope, snapshot, plan) = (project.request, project.scope, project.snapshot, project.plan)
        guard let checklist = catalog.checklists[request.recipe.checklist.id] else {
            throw ApplicationError.noChecklist
        }
        let wanted = project.probes(of: checklist)
        let settings = try await project.probeSettings(
            overrides, projectDirectory: projectDirectory, catalog: catalog, connections: connections,
            checksEnvironment: wanted.contains(.envComplete))
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
        return try await events.events(project: project, provider: nil, status: nil, limit: 100_000).filter {
            $0.status != .dead
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
