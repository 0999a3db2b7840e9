import Foundation
import SheenModel
internal import Yams

extension DocumentDecoder {
    /// Reads a provider manifest; returns `nil` only when the file is too broken to name a provider.
    func providerManifest(_ root: Node) -> ProviderManifest? {
        guard let file = mapping(root, path: "") else { return nil }
        defer { file.finish() }
        let id = file.id()
        let name = file.localized("name", required: true)
        let category = file.choice("category", as: ProviderManifest.Category.self, required: true)
        let status = file.choice("status", as: ProviderManifest.Status.self) ?? .available
        let statusReason = file.localized("status_reason")
        let docs = file.value("docs").flatMap { url($0, path: "docs") }
        let auth = file.mapping("auth", required: true).flatMap(auth)
        // Only plain fields may fill a URL: a secret in a URL ends up in access logs and proxies.
        let fields = auth?.credentials.filter { !$0.secret }.map(\.name) ?? []
        // A provider reached through a connection string (`dsn`) may name a database server instead of a web API.
        let schemes: Set<String> = auth?.method == .dsn ? ["postgres", "postgresql"] : []
        let baseURLs =
            file.mapping("environments", required: true).map { self.baseURLs($0, fields: fields, schemes: schemes) }
            ?? [:]
        let marketHosts = file.mapping("market_base_urls").map { self.marketBaseURLs($0, fields: fields) } ?? [:]
        let capabilityNotes = file.mapping("capability_notes").map(capabilityNotes) ?? [:]
        let markets = file.markets("markets") ?? []
        let currencies = file.currencies("currencies") ?? []
        let amountFormat = file.choice("amount_format", as: ProviderManifest.AmountFormat.self)
        let methods = file.list("payment_methods")?.compactMap { paymentMethod($0.node, path: $0.path) } ?? []
        let regions = file.list("regions")?.compactMap { region($0.node, path: $0.path) } ?? []
        let capabilities = (file.references("capabilities", required: true) ?? []).map {
            Capability($0.id, at: $0.location)
        }
        let rateLimits = file.list("rate_limits")?.compactMap { rateLimit($0.node, path: $0.path) } ?? []
        let retry = file.mapping("retry").map(retryHints) ?? ProviderManifest.RetryHints()
        let idempotency = file.mapping("idempotency").map(idempotency) ?? .observeBeforeCreate
        let webhooks = file.mapping("webhooks").flatMap(webhooks)
        let steps = file.list("provisioning")?.compactMap { step($0.node, path: $0.path) } ?? []
        let pricing = file.mapping("pricing").flatMap(pricing)
        let sources = file.list("sources")?.compactMap { url($0.node, path: $0.path) } ?? []
        if file.value("capabilities") != nil, capabilities.isEmpty {
            report(.emptyList(path: "capabilities"), at: file.node)
        }
        guard let id, let name, let category, let auth else { return nil }
        var manifest = ProviderManifest(
            id: id, name: name, category: category, status: status, docs: docs, auth: auth, baseURLs: baseURLs,
            markets: markets, currencies: currencies, amountFormat: amountFormat, paymentMethods: methods,
            regions: regions, capabilities: capabilities, rateLimits: rateLimits, retry: retry,
            idempotency: idempotency, webhooks: webhooks, provisioning: steps, pricing: pricing,
            location: file.keyLocation("id"), marketBaseURLs: marketHosts, capabilityNotes: capabilityNotes,
            sources: sources)
        manifest.statusReason = statusReason
        return manifest
    }

    private func marketBaseURLs(_ reader: MappingReader, fields: [String]) -> [CountryCode: String] {
        defer { reader.finish() }
        var result: [CountryCode: String] = [:]
        for key in reader.keys {
            guard let node = reader.value(key) else { continue }
            guard let market = CountryCode(rawValue: key) else {
                report(.unknownMarket(key, suggestion: CountryCode.commonMistakes[key.uppercased()]), at: node)
                continue
            }
            if let url = url(node, path: reader.child(key), fields: fields) { result[market] = url }
        }
        return result
    }

    private func capabilityNotes(_ reader: MappingReader) -> [Capability: LocalizedText] {
        defer { reader.finish() }
        var result: [Capability: LocalizedText] = [:]
        for key in reader.keys {
            if let text = reader.localized(key) { result[Capability(rawValue: key)] = text }
        }
        return result
    }

    private func auth(_ reader: MappingReader) -> ProviderManifest.Auth? {
        defer { reader.finish() }
        let method = reader.choice("method", as: ProviderManifest.Auth.Method.self, required: true)
        let scheme = reader.string("scheme")
        var fields: [ProviderManifest.CredentialField] = []
        if let credentials = reader.mapping("credentials") {
            for key in credentials.keys {
                guard let node = credentials.value(key) else { continue }
                if let field = credentialField(name: key, node: node, path: credentials.child(key)) {
                    fields.append(field)
                }
            }
            credentials.finish()
        }
        let names = fields.filter { !$0.secret }.map(\.name)
        let token = reader.mapping("token").flatMap { tokenGrant($0, fields: names) }
        guard let method else { return nil }
        return ProviderManifest.Auth(method: method, scheme: scheme, credentials: fields, token: token)
    }

    private func tokenGrant(_ reader: MappingReader, fields: [String]) -> ProviderManifest.TokenGrant? {
        defer { reader.finish() }
        let grant = reader.choice("grant", as: ProviderManifest.TokenGrant.Grant.self, required: true)
        let tokenURL = reader.required("url").flatMap { url($0, path: reader.child("url"), fields: fields) }
        let authorizeURL = reader.value("authorize_url").flatMap {
            url($0, path: reader.child("authorize_url"), fields: fields)
        }
        if grant == .authorizationCode, reader.value("authorize_url") == nil {
            report(.missingKey(key: "authorize_url", path: "'\(reader.path)'"), at: reader.node)
        }
        let audience = reader.value("audience").flatMap { url($0, path: reader.child("audience"), fields: fields) }
        let scopes = reader.list("scopes")?.compactMap { string($0.node, path: $0.path) } ?? []
        guard let grant, let tokenURL else { return nil }
        return ProviderManifest.TokenGrant(
            grant: grant, tokenURL: tokenURL, authorizeURL: authorizeURL, audience: audience, scopes: scopes)
    }

    private func credentialField(name: String, node: Node, path: String) -> ProviderManifest.CredentialField? {
        guard let reader = mapping(node, path: path) else { return nil }
        defer { reader.finish() }
        let secret = reader.bool("secret", default: false)
        let optional = reader.bool("optional", default: false)
        let label = reader.localized("label", required: true)
        let hint = reader.localized("hint")
        let env = reader.value("env").flatMap { variableName($0, path: reader.child("env")) }
        var patterns: [DeploymentEnvironment: String] = [:]
        if let patternReader = reader.mapping("pattern") {
            for environment in DeploymentEnvironment.allCases {
                guard let patternNode = patternReader.value(environment.rawValue),
                    let pattern = string(patternNode, path: patternReader.child(environment.rawValue))
                else { continue }
                do {
                    _ = try NSRegularExpression(pattern: pattern)
                    patterns[environment] = pattern
                } catch {
                    report(
                        .invalidPattern(
                            path: patternReader.child(environment.rawValue), reason: "\(error.localizedDescription)"),
                        at: patternNode)
                }
            }
            patternReader.finish()
        }
        guard let label else { return nil }
        return ProviderManifest.CredentialField(
            name: name, secret: secret, label: label, hint: hint, patterns: patterns, optional: optional, env: env)
    }

    private func baseURLs(
        _ reader: MappingReader, fields: [String], schemes: Set<String>
    ) -> [DeploymentEnvironment: String] {
        defer { reader.finish() }
        var result: [DeploymentEnvironment: String] = [:]
        for environment in DeploymentEnvironment.allCases {
            guard let entry = reader.mapping(environment.rawValue) else { continue }
            if let node = entry.required("base_url"),
                let url = url(node, path: entry.child("base_url"), fields: fields, schemes: schemes)
            {
                result[environment] = url
            }
            entry.finish()
        }
        if result.isEmpty, reader.keys.isEmpty { report(.emptyList(path: "environments"), at: reader.node) }
        return result
    }

    private func paymentMethod(_ node: Node, path: String) -> ProviderManifest.PaymentMethod? {
        guard let reader = mapping(node, path: path) else { return nil }
        defer { reader.finish() }
        let id = reader.required("id").flatMap { string($0, path: reader.child("id")) }
        let reference = reader.string("provider_ref")
        let markets = reader.markets("markets") ?? []
        let currencies = reader.currencies("currencies") ?? []
        guard let id else { return nil }
        return ProviderManifest.PaymentMethod(
            id: id, providerReference: reference, markets: markets, currencies: currencies, location: location(of: node)
        )
    }

    private func region(_ node: Node, path: String) -> ProviderManifest.Region? {
        guard let reader = mapping(node, path: path) else { return nil }
        defer { reader.finish() }
        let id = reader.string("id", required: true)
        let country = reader.required("country").flatMap { market($0, path: reader.child("country")) }
        let name = reader.localized("name")
        guard let id, let country else { return nil }
        return ProviderManifest.Region(id: id, country: country, name: name)
    }

    private func rateLimit(_ node: Node, path: String) -> ProviderManifest.RateLimit? {
        guard let reader = mapping(node, path: path) else { return nil }
        defer { reader.finish() }
        let requests = reader.int("requests", required: true, range: 1...1_000_000)
        let per = reader.double("per_seconds", required: true, range: 0.001...86_400)
        let burst = reader.int("burst", range: 1...1_000_000)
        let scope = reader.choice("scope", as: ProviderManifest.RateLimit.Scope.self) ?? .connection
        let environments = reader.environments("environments") ?? []
        let endpoint = reader.string("endpoint")
        let confirmed = reader.bool("confirmed", default: true)
        guard let requests, let per else { return nil }
        return ProviderManifest.RateLimit(
            requests: requests, perSeconds: per, burst: burst ?? requests, scope: scope, environments: environments,
            endpoint: endpoint, confirmed: confirmed)
    }

    private func retryHints(_ reader: MappingReader) -> ProviderManifest.RetryHints {
        defer { reader.finish() }
        let statuses = reader.list("statuses")?.compactMap { int($0.node, path: $0.path, range: 100...599) }
        return ProviderManifest.RetryHints(
            statuses: statuses ?? ProviderManifest.RetryHints().statuses,
            retryAfterHeader: reader.string("retry_after_header"), resetHeader: reader.string("reset_header"),
            shouldRetryHeader: reader.string("should_retry_header"))
    }

    private func idempotency(_ reader: MappingReader) -> ProviderManifest.Idempotency {
        defer { reader.finish() }
        let header = reader.string("header")
        let bodyField = reader.string("body_field")
        let retention = reader.int("retention_hours", range: 1...8_760)
        let maxLength = reader.int("max_key_length", range: 16...4_096)
        if let bodyField { return .bodyField(path: bodyField, maxKeyLength: maxLength) }
        guard let header else { return .observeBeforeCreate }
        return .header(name: header, retentionHours: retention, maxKeyLength: maxLength)
    }

    private func webhooks(_ reader: MappingReader) -> ProviderManifest.Webhooks? {
        defer { reader.finish() }
        let scheme = reader.choice(
            "scheme", as: ProviderManifest.Webhooks.Scheme.self, required: true,
            aliases: ProviderManifest.Webhooks.Scheme.aliases)
        let registration = reader.choice(
            "registration", as: ProviderManifest.Webhooks.Registration.self, required: true)
        let events = reader.references("events")?.map(\.id) ?? []
        let tolerance = reader.int("tolerance_seconds", range: 1...86_400)
        let secretField = reader.string("secret_field")
        guard let scheme, let registration else { return nil }
        return ProviderManifest.Webhooks(
            scheme: scheme, registration: registration, events: events, toleranceSeconds: tolerance,
            secretField: secretField)
    }

    private func pricing(_ reader: MappingReader) -> ProviderManifest.Pricing? {
        defer { reader.finish() }
        guard let currency = reader.required("currency").flatMap({ currency($0, path: reader.child("currency")) })
        else {
            for key in ["monthly_fee", "percent", "fixed", "per_unit", "unit", "note", "confirmed"] {
                _ = reader.value(key)
            }
            return nil
        }
        guard currency.exponent != nil else {
            report(.currencyWithoutMinorUnits(currency.rawValue), at: reader.node)
            return nil
        }
        let monthly = reader.value("monthly_fee").flatMap {
            money($0, path: reader.child("monthly_fee"), currency: currency)
        }
        let percent = reader.double("percent", range: 0...100)
        let fixed = reader.value("fixed").flatMap { money($0, path: reader.child("fixed"), currency: currency) }
        let perUnit = reader.value("per_unit").flatMap { money($0, path: reader.child("per_unit"), currency: currency) }
        let unit = reader.string("unit")
        let note = reader.localized("note")
        let confirmed = reader.bool("confirmed", default: false)
        return ProviderManifest.Pricing(
            monthlyFee: monthly ?? Money(minorUnits: 0, currency: currency), percentPerTransaction: percent,
            fixedPerTransaction: fixed, perUnit: perUnit, unit: unit, note: note, confirmed: confirmed)
    }

    /// A provisioning step, in a manifest or a recipe.
    func step(_ node: Node, path: String) -> StepTemplate? {
        guard let reader = mapping(node, path: path) else { return nil }
        defer { reader.finish() }
        let id = reader.id()
        let kind = reader.string("kind", required: true)
        let title = reader.localized("title")
        let dependsOn = reader.references("depends_on") ?? []
        let evidences = reader.references("evidences") ?? []
        let environments = reader.environments("environments") ?? []
        var needs: [LaunchSettings.Key] = []
        for (needNode, needPath) in reader.list("needs") ?? [] {
            guard let text = string(needNode, path: needPath) else { continue }
            guard let key = LaunchSettings.Key(rawValue: text) else {
                let allowed = LaunchSettings.Key.allCases.map(\.rawValue)
                report(
                    .invalidChoice(
                        path: needPath, value: text, allowed: allowed,
                        suggestion: Suggestion.closest(to: text, in: allowed)), at: needNode)
                continue
            }
            needs.append(key)
        }
        let templates = reader.choice("templates", as: Recipe.MessageTemplate.Channel.self)
        let slots = reader.list("slots")?.compactMap { string($0.node, path: $0.path) } ?? []
        let regions = reader.bool("regions", default: false)
        var outputs: [StepTemplate.Output] = []
        for (outputNode, outputPath) in reader.list("outputs") ?? [] {
            if case .scalar = outputNode, let name = string(outputNode, path: outputPath) {
                outputs.append(.init(name: name))
            } else if let output = mapping(outputNode, path: outputPath) {
                let env = output.value("env").flatMap { variableName($0, path: output.child("env")) }
                if let name = output.string("name", required: true) {
                    outputs.append(.init(name: name, secret: output.bool("secret", default: false), env: env))
                } else {
                    _ = output.value("secret")
                }
                output.finish()
            }
        }
        guard let id, let kind else { return nil }
        var step = StepTemplate(
            id: id, kind: kind, title: title, dependsOn: dependsOn, outputs: outputs, evidences: evidences,
            environments: environments, location: location(of: node))
        step.needs = needs
        step.templates = templates
        step.slots = slots
        step.regions = regions
        return step
    }
}
