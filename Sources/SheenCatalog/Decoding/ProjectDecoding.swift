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
        let connections = file.list("connections")?.compactMap { declaredConnection($0.node, path: $0.path) } ?? []
        var publicURL: String?
        if let reader = file.mapping("webhooks") {
            if let node = reader.value("public_url"), let text = url(node, path: reader.child("public_url")) {
                // No placeholders: the same base serves every provider and connection.
                if text.contains("{") {
                    report(.invalidURL(path: reader.child("public_url"), value: text), at: node)
                } else {
                    publicURL = text.hasSuffix("/") ? String(text.dropLast()) : text
                }
            }
            reader.finish()
        }
        guard let name, let recipe else { return nil }
        return Project(
            name: name, recipe: recipe, markets: markets, currencies: currencies, environments: environments,
            domain: domain, residency: residency, pins: pins, disabledSlots: disabled, variables: variables,
            connections: connections, webhookPublicURL: publicURL, location: file.location)
    }

    private func declaredConnection(_ node: Node, path: String) -> Project.DeclaredConnection? {
        guard let reader = mapping(node, path: path) else { return nil }
        defer { reader.finish() }
        let provider = reader.located("provider", required: true)
        let environment = reader.choice("env", as: DeploymentEnvironment.self, required: true)
        let alias = reader.string("alias") ?? Connection.defaultAlias
        if !Connection.isValidAlias(alias) {
            report(.invalidIdentifier(path: reader.child("alias"), value: alias), at: reader.value("alias") ?? node)
        }
        let markets = reader.markets("markets") ?? []
        var fields: [String: String] = [:]
        if let fieldReader = reader.mapping("fields", required: true) {
            for key in fieldReader.keys {
                if let value = fieldReader.string(key) { fields[key] = value }
            }
            fieldReader.finish()
        }
        guard let provider, let environment else { return nil }
        return Project.DeclaredConnection(
            provider: provider, environment: environment, alias: alias, markets: markets, fields: fields,
            location: location(of: node))
    }
}
