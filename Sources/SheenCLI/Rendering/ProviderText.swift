import SheenModel

/// Human-readable views of providers.
enum ProviderText {
    static func table(_ providers: [ProviderManifest], language: Language) -> String {
        guard !providers.isEmpty else {
            return Label.noProviderMatches(language)
        }
        let header = Label.providersHeader.columns(language)
        let rows = providers.map { provider in
            [
                provider.id, provider.name(language), provider.category.rawValue, provider.status.rawValue,
                markets(provider.markets, language: language),
                provider.capabilities.map(\.rawValue).joined(separator: ", "),
            ]
        }
        return TextTable(header: header, rows: rows).rendered
    }

    static func markets(_ markets: [CountryCode], language: Language) -> String {
        markets.isEmpty ? Label.global(language) : markets.map(\.rawValue).joined(separator: ",")
    }

    static func detail(_ provider: ProviderManifest, language: Language) -> String {
        var lines: [String] = []
        func field(_ label: Label, _ value: String) { lines.append("\(label(language)): \(value)") }
        func heading(_ label: Label) { lines.append("\(label(language)):") }
        lines.append("\(provider.name(language)) (\(provider.id))")
        field(.category, provider.category.rawValue)
        field(.status, provider.status.rawValue + (provider.statusReason.map { ": \($0(language))" } ?? ""))
        if let docs = provider.docs { field(.docs, docs) }
        field(.markets, markets(provider.markets, language: language))
        if !provider.currencies.isEmpty {
            field(.currencies, provider.currencies.map(\.rawValue).joined(separator: ", "))
        }
        if let format = provider.amountFormat { field(.amounts, format.rawValue) }
        field(.capabilities, provider.capabilities.map(\.rawValue).joined(separator: ", "))
        if !provider.paymentMethods.isEmpty {
            heading(.paymentMethods)
            for method in provider.paymentMethods {
                var restriction: [String] = []
                if !method.markets.isEmpty { restriction.append(method.markets.map(\.rawValue).joined(separator: ",")) }
                if !method.currencies.isEmpty {
                    restriction.append(method.currencies.map(\.rawValue).joined(separator: ","))
                }
                let suffix = restriction.isEmpty ? "" : " (" + restriction.joined(separator: "; ") + ")"
                lines.append("  - \(method.id)\(suffix)")
            }
        }
        if !provider.regions.isEmpty {
            heading(.regions)
            for region in provider.regions {
                lines.append("  - \(region.id) [\(region.country)]" + (region.name.map { " " + $0(language) } ?? ""))
            }
        }
        lines.append(
            "\(Label.auth(language)): " + provider.auth.method.rawValue
                + (provider.auth.scheme.map { " — \($0)" } ?? ""))
        for credential in provider.auth.credentials {
            let secret = credential.secret ? " (\(Label.secret(language)))" : ""
            lines.append("  - \(credential.name)\(secret): \(credential.label(language))")
        }
        if !provider.rateLimits.isEmpty {
            heading(.rateLimits)
            for limit in provider.rateLimits {
                let environments =
                    limit.environments.isEmpty ? "" : " [\(limit.environments.map(\.rawValue).joined(separator: ","))]"
                let endpoint = limit.endpoint.map { " \($0)" } ?? ""
                let unconfirmed = limit.confirmed ? "" : " (\(Label.unconfirmed(language)))"
                lines.append(
                    "  - \(limit.requests)/\(formatSeconds(limit.perSeconds)), burst \(limit.burst), per \(limit.scope.rawValue)\(endpoint)\(environments)\(unconfirmed)"
                )
            }
        }
        switch provider.idempotency {
        case .header(let name, let hours, _):
            field(.idempotency, name + (hours.map { ", \($0) h" } ?? ""))
        case .bodyField(let path, _):
            field(.idempotency, "\(Label.bodyField(language)) \(path)")
        case .observeBeforeCreate:
            field(
                .idempotency,
                Label.observeBeforeCreate(language))
        }
        if let webhooks = provider.webhooks {
            field(
                .webhooks,
                "\(webhooks.scheme.rawValue), \(webhooks.registration.rawValue): \(webhooks.events.joined(separator: ", "))"
            )
        }
        if !provider.provisioning.isEmpty {
            heading(.provisioningSteps)
            for step in provider.provisioning {
                let dependencies =
                    step.dependsOn.isEmpty ? "" : " ← " + step.dependsOn.map(\.id).joined(separator: ", ")
                lines.append(
                    "  - \(step.id) (\(step.kind))\(dependencies)" + (step.title.map { ": " + $0(language) } ?? ""))
            }
        }
        if let pricing = provider.pricing {
            var parts = ["\(Label.monthly(language)) " + pricing.monthlyFee.description]
            if let percent = pricing.percentPerTransaction { parts.append("\(percent)%") }
            if let fixed = pricing.fixedPerTransaction { parts.append("+ \(fixed)") }
            if let perUnit = pricing.perUnit { parts.append("\(perUnit) / \(pricing.unit ?? "unit")") }
            let estimate = pricing.confirmed ? "" : " (\(Label.estimate(language)))"
            field(.pricing, parts.joined(separator: " ") + estimate)
        }
        if !provider.sources.isEmpty {
            heading(.sources)
            lines += provider.sources.map { "  - \($0)" }
        }
        return lines.joined(separator: "\n")
    }

    private static func formatSeconds(_ seconds: Double) -> String {
        seconds == 1 ? "s" : (seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s")
    }
}
