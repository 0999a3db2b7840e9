import SheenEngine
import SheenModel
import SheenPlanner

/// What an apply runs: a recipe request (from a project file or the command line), a neutral DAG in an environment,
/// or a plan saved earlier and applied only if the state has not changed since.
public enum PlanSource: Sendable {
    case request(PlanRequest)
    case dag(NeutralDAG, DeploymentEnvironment)
    case saved(Plan)

    /// The journal the source applies to.
    public var scope: StoreScope {
        switch self {
        case .request(let request): StoreScope(project: request.projectName, environment: request.environment)
        case .dag(let dag, let environment): StoreScope(project: dag.name, environment: environment)
        case .saved(let plan): StoreScope(project: plan.projectName, environment: plan.environment)
        }
    }

    /// The plan of this source against `state`, without side effects: what an apply would run. A saved plan made
    /// against other state is refused.
    public func plan(catalog: Catalog, state: any StateSnapshot) throws(ApplicationError) -> Plan {
        let builder = PlanBuilder(catalog: catalog)
        switch self {
        case .request(let request):
            do { return try builder.plan(request, state: state) } catch { throw .plan(error) }
        case .dag(let dag, let environment):
            do { return try builder.plan(dag: dag, environment: environment, state: state) } catch {
                throw .plan(error)
            }
        case .saved(let plan):
            guard plan.stateFingerprint == state.fingerprint else { throw .stateChanged(scope) }
            return plan
        }
    }
}
