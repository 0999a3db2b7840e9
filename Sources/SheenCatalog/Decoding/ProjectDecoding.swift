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
        let launch = launchSettings(file, market: markets.first)
        guard let name, let recipe else { return nil }
        var project = Project(
            name: name, recipe: recipe, markets: markets, currencies: currencies, environments: environments,
            domain: domain, residency: residency, pins: pins, disabledSlots: disabled, variables: variables,
            connections: connections, webhookPublicURL: publicURL, location: file.location)
        project.launch = launch
        return project
    }

    /// `owner:`, `senders:`, `shipping:` and `sso:`; a number written nationally is read in the first market.
    private func launchSettings(_ file: MappingReader, market: CountryCode?) -> LaunchSettings {
        var settings = LaunchSettings()
        if let owner = file.mapping("owner") {
            settings.ownerPhone = phone(owner, "phone", market: market)
            settings.ownerEmail = email(owner, "email")
            owner.finish()
        }
        if let senders = file.mapping("senders") {
            if let node = senders.value("sms"), let value = string(node, path: senders.child("sms")) {
                if LaunchSettings.isValidSenderID(value) {
                    settings.smsSender = value
                } else {
                    report(.invalidSenderID(path: senders.child("sms"), value: value), at: node)
                }
            }
            settings.whatsappSender = phone(senders, "whatsapp", market: market)
            settings.emailFrom = email(senders, "email")
            senders.finish()
        }
        if let shipping = file.mapping("shipping") {
            settings.shipFrom = address(shipping, "from", market: market)
            settings.shipTo = address(shipping, "to", market: market)
            shipping.finish()
        }
        if let sso = file.mapping("sso") {
            settings.ssoMetadataURL = sso.value("metadata_url").flatMap { url($0, path: sso.child("metadata_url")) }
            sso.finish()
        }
        return settings
    }

    private func phone(_ reader: MappingReader, _ key: String, market: CountryCode?) -> PhoneNumber? {
        guard let node = reader.value(key), let text = string(node, path: reader.child(key)) else { return nil }
        switch PhoneNumber.parse(text, region: market) {
        case .success(let number): return number
        case .failure(let problem):
            report(.invalidPhone(path: reader.child(key), problem: problem), at: node)
            return nil
        }
    }

    private func email(_ reader: MappingReader, _ key: String) -> String? {
        guard let node = reader.value(key), let text = string(node, path: reader.child(key)) else { return nil }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !text.contains(" ") else {
            report(.invalidEmail(path: reader.child(key), value: text), at: node)
            return nil
        }
        return text
    }

    private func address(_ reader: MappingReader, _ key: String, market: CountryCode?) -> LaunchSettings.Address? {
        guard let fields = reader.mapping(key) else { return nil }
        defer { fields.finish() }
        let name = fields.string("name", required: true)
        let number = fields.required("phone") == nil ? nil : phone(fields, "phone", market: market)
        let line1 = fields.string("address", required: true)
        let city = fields.string("city", required: true)
        let country = fields.required("country").flatMap { self.market($0, path: fields.child("country")) }
        let postal = fields.string("postal_code")
        guard let name, let number, let line1, let city, let country else { return nil }
        return LaunchSettings.Address(
            name: name, phone: number, line1: line1, city: city, country: country, postalCode: postal)
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
