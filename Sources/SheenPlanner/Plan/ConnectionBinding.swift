import SheenModel

/// Which connection takes a provider's calls for which of the plan's markets.
///
/// A connection that lists markets takes those markets (Tap's Saudi entity for SA, its Egyptian one for EG); every
/// other market goes to the `default` alias. A market with neither is bound to nothing, and the plan says which
/// `sheen connect` would bind it.
struct ConnectionBinding: Hashable {
    var alias: String
    var connection: Connection?
    var markets: [CountryCode]

    static func bind(
        provider: String, markets: [CountryCode], environment: DeploymentEnvironment, connections: [Connection]
    ) -> [ConnectionBinding] {
        let candidates = connections.filter { $0.provider == provider && $0.environment == environment }
            .sorted { $0.alias < $1.alias }
        let fallback = candidates.first { $0.alias == Connection.defaultAlias && $0.markets.isEmpty }
        var bindings: [ConnectionBinding] = []
        for market in markets {
            let chosen = candidates.first { $0.markets.contains(market) } ?? fallback
            // Unbound markets share the default alias: what `sheen connect` without `--alias` creates.
            let alias = chosen?.alias ?? Connection.defaultAlias
            if let index = bindings.firstIndex(where: { $0.alias == alias }) {
                bindings[index].markets.append(market)
            } else {
                bindings.append(ConnectionBinding(alias: alias, connection: chosen, markets: [market]))
            }
        }
        if markets.isEmpty {
            bindings.append(
                ConnectionBinding(alias: fallback?.alias ?? Connection.defaultAlias, connection: fallback, markets: []))
        }
        return bindings
    }
}
