import SheenModel
internal import Yams

extension DocumentDecoder {
    func project(_ root: Node) -> Project? {
        guard let file = mapping(root, path: "") else { return nil }
        defer { file.finish() }
        let nameNode = file.required("name")
        let name = nameNode.flatMap { id($0, path: "name") }
        let recipe = file.located("recipe", required: true)
        let markets = file.markets("markets", required: true) ?? []
        if file.value("markets") != nil, markets.isEmpty, diagnostics.isEmpty {
            report(.emptyList(path: "markets"), at: file.node)
        }
        let currencies = file.currencies("currencies") ?? []
        let environments = file.environments("environments") ?? [.dev]
        let domain = file.string("domain")
        var residency: Project.Residency?
        if let reader = file.mapping("residency") {
            let countries = reader.markets("countries", required: true) ?? []
            let level = reader.choice("level", as: Project.Residency.Level.self) ?? .preferred
            reader.finish()
            residency = Project.Residency(countries: countries, level: level)
        }
        var pins: [String: Reference] = [:]
        if let reader = file.mapping("pins") {
            for key in reader.keys {
                if let reference = reader.located(key) { pins[key] = reference }
            }
            reader.finish()
        }
        let disabled = file.references("disabled_slots") ?? []
        var variables: [String: String] = [:]
        if let reader = file.mapping("variables") {
            for key in reader.keys {
                if let value = reader.string(key) { variables[key] = value }
            }
            reader.finish()
        }
        guard let name, let recipe else { return nil }
        return Project(
            name: name, recipe: recipe, markets: markets, currencies: currencies, environments: environments,
            domain: domain, residency: residency, pins: pins, disabledSlots: disabled, variables: variables,
            location: file.location)
    }
}
