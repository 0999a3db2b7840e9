/// Why `sheen serve` could not start (the CLI words it).
public enum ServeError: Error, Sendable, Hashable {
    /// The port is taken, or the address is not this machine's.
    case cannotListen(host: String, port: Int)
}
