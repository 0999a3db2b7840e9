import Foundation
import SheenChecks
import SheenEngine
import SheenModel
import SheenPlanner

/// A project as the checklist and preflight judge it: its plan with the connections bound, against the recorded
/// state, and where its probes look. Both use cases start here, so they judge the same plan the same way.
struct JudgedProject {
    let request: PlanRequest
    let scope: StoreScope
    /// The project's connections in every environment (`inEnvironment` narrows them).
    let bound: [Connection]
    let snapshot: StoreSnapshot
    let plan: Plan

    var inEnvironment: [Connection] { bound.filter { $0.environment == scope.environment } }

    /// The region the deploy step recorded, if it ran.
    var region: String? {
        snapshot.states.values.sorted { $0.stepID < $1.stepID }.compactMap { $0.outputs["region"] }.first
    }

    static func load(
        _ source: PlanSource, catalog: Catalog, store: any StateStore, connections: ConnectionService?
    ) async throws -> JudgedProject {
        guard case .request(let request) = source else { throw ApplicationError.noChecklist }
        var bound = request.connections
        var boundSource = source
        if let connections { (boundSource, bound) = try await connections.bind(source) }
        let snapshot = try await store.snapshot(source.scope)
        return JudgedProject(
            request: request, scope: source.scope, bound: bound, snapshot: snapshot,
            plan: try boundSource.plan(catalog: catalog, state: snapshot))
    }

    /// The probes the applicable items of `checklist` name.
    func probes(of checklist: Checklist) -> Set<Checklist.Probe> {
        let applicable = Set(plan.checklist.filter(\.applies).map(\.item))
        return Set(
            checklist.items.filter { applicable.contains($0.id) }.flatMap(\.evidence).compactMap { evidence in
                if case .probe(let probe) = evidence { return probe }
                return nil
            })
    }

    /// Where the probes look: the overrides' DNS, roots and policy; the project's domain, env file and region. The
    /// variables the env file must hold are worked out only when `env.complete` will run.
    func probeSettings(
        _ overrides: ChecklistService.ProbeOverrides, projectDirectory: String?, catalog: Catalog,
        connections: ConnectionService?, checksEnvironment: Bool
    ) async throws -> ProbeSettings {
        let variables =
            checksEnvironment
            ? try await AppEnvironment(catalog: catalog, connections: connections).variables(
                of: plan, bound: bound, outputs: snapshot.states.mapValues(\.outputs), includeSecrets: false
            ).filter { !$0.optional }.map(\.name) : []
        return ProbeSettings(
            domain: request.domain, httpsPort: overrides.httpsPort, fontPath: overrides.fontPath, dns: overrides.dns,
            policy: overrides.policy, trust: overrides.trust,
            envFile: projectDirectory.map {
                ($0 as NSString).appendingPathComponent(".env.\(scope.environment.rawValue)")
            }, requiredVariables: variables, region: region)
    }
}
