import SheenEngine
import SheenModel
import SheenPlanner

/// What an apply runs: a recipe request (from a project file or the command line), a neutral DAG, or a plan saved
/// earlier and applied only if the state has not changed since.
public enum PlanSource: Sendable {
    case request(PlanRequest)
    case dag(NeutralDAG)
    case saved(Plan)

    /// The journal the source applies to.
    public var scope: StoreScope {
        switch self {
        case .request(let request): StoreScope(project: request.projectName, environment: request.environment)
        case .dag(let dag): StoreScope(project: dag.name, environment: .dev)
        case .saved(let plan): StoreScope(project: plan.projectName, environment: plan.environment)
        }
    }
}
