/// A plan read back from `sheen plan --out`: everything the plan document holds, and the state it was made against.
public struct SavedPlan: Sendable {
    public var plan: Plan

    /// Reads a plan file; a problem is a ``PlanError`` naming the file and what is wrong.
    public static func load(contentsOf path: String) throws(PlanError) -> SavedPlan {
        SavedPlan(plan: try PlanDocument.load(contentsOf: path).plan)
    }
}
