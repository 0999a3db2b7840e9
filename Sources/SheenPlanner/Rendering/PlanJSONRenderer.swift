/// The versioned machine-readable plan (`sheen plan --json`), documented in `docs/plan-format.md`.
public enum PlanJSONRenderer {
    public static func render(_ plan: Plan) -> String { PlanDocument(plan).rendered }

    public static func document(_ plan: Plan) -> JSONValue { PlanDocument(plan).json }
}
