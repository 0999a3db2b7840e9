/// How a step names the connection its calls go through: `provider/alias`. Every step uses the provider's `default`
/// connection until connections with aliases exist; rate limits and circuit breakers are keyed by this name.
public enum ConnectionKey {
    public static func `default`(for provider: String) -> String { "\(provider)/default" }
}
