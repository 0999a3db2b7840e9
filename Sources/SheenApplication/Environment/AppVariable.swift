/// One variable a recipe promises the app: a connection's credential field, or a step's output.
public struct AppVariable: Sendable, Hashable {
    public var name: String
    /// `nil` when not known yet (an output no run has produced), or withheld (a secret without `--include-secrets`).
    public var value: String?
    public var secret: Bool
    /// Where it comes from, for the comment above it: `Tap Payments: Secret API key (tap/default)`.
    public var source: String
    /// A secret whose value was left out on purpose.
    public var withheld: Bool
    /// The provider has no connection yet, so none of its fields is known.
    public var notConnected: Bool
    /// An optional credential field (a session token only temporary keys have): the app may run without it.
    public var optional: Bool

    public init(
        name: String, value: String?, secret: Bool, source: String, withheld: Bool = false, notConnected: Bool = false,
        optional: Bool = false
    ) {
        self.optional = optional
        self.name = name
        self.value = value
        self.secret = secret
        self.source = source
        self.withheld = withheld
        self.notConnected = notConnected
    }
}
