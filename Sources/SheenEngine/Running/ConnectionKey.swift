import SheenPlanner

/// How a step names the connection its calls go through: `provider/alias`, as the plan binds it. Rate limits and
/// circuit breakers are keyed by this name; a step planned before connections existed goes through `default`.
public enum ConnectionKey {
    public static func `default`(for provider: String) -> String { "\(provider)/default" }

    /// The limit key every connection of `provider` shares the shape of (`provider/*`).
    public static func anyConnection(of provider: String) -> String { "\(provider)/*" }

    /// The connection `node` is bound to, or its provider's default.
    public static func of(_ node: Plan.Node) -> String? { node.connection ?? node.provider.map(`default`(for:)) }
}
