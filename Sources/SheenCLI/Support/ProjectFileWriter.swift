import Foundation
import SheenModel

/// Renders a commented `sheen.yaml` that teaches each key while being valid as written.
struct ProjectFileWriter {
    let recipe: Recipe
    let catalog: Catalog
    let name: String
    let markets: [CountryCode]
    let environments: [DeploymentEnvironment]

    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first), name.count <= 64 else { return false }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// A directory name turned into a valid project name (`My Shop` → `my-shop`).
    static func sanitizedName(_ text: String) -> String {
        let mapped = text.lowercased().unicodeScalars.map { scalar -> Character in
            ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) ? Character(scalar) : "-"
        }
        let collapsed = String(mapped).split(separator: "-").joined(separator: "-")
        let name = collapsed.drop { !$0.isLetter }
        return name.isEmpty ? "my-project" : String(name.prefix(64))
    }

    func render() -> String {
        var currencies: [CurrencyCode] = []
        for market in markets {
            if let currency = market.localCurrency, !currencies.contains(currency) { currencies.append(currency) }
        }
        let optional = recipe.slots.filter(\.optional).map(\.name)
        var lines = [
            "# Sheen project: \(recipe.name.en) — \(recipe.name.ar) (recipe '\(recipe.id)').",
            "# Check it with `sheen validate sheen.yaml`. Every key is described in docs/catalog.md.",
            "name: \(name)",
            "recipe: \(recipe.id)",
            "",
            "# Markets you sell in (ISO 3166-1 alpha-2). This recipe targets: \(recipe.markets.map(\.rawValue).joined(separator: ", ")).",
            "markets: [\(markets.map(\.rawValue).joined(separator: ", "))]",
            "",
            "# Currencies you charge in (ISO 4217). KWD, BHD and OMR have three decimals: 1.500 KWD is 1500 fils.",
            "currencies: [\(currencies.map(\.rawValue).joined(separator: ", "))]",
            "",
            "# Environments to plan: dev, staging, prod. Test keys belong to dev and staging, live keys to prod.",
            "environments: [\(environments.map(\.rawValue).joined(separator: ", "))]",
            "",
            "# The domain the stack serves, e.g. shop.example.sa.",
            "# domain: shop.example.com",
            "",
            "# The https address providers call to reach 'sheen serve' (they refuse localhost); 'sheen plan' shows",
            "# each connection's webhook URL under it, and webhook-registration steps register it.",
            "# webhooks: { public_url: https://hooks.example.com }",
            "",
            "# Where data must live. level: preferred (pick a region there when one fits) or required (only",
            "# providers with a region there may hold data; for NCA-scope or health data).",
            "# residency: { countries: [\(markets.first?.rawValue ?? "SA")], level: preferred }",
            "",
        ]
        lines += launchSettings()
        lines += [
            "# Pin a provider to a slot, or to one market of a per-market slot (payments.EG: paymob)."
        ]
        for slot in recipe.slots {
            let candidates = catalog.sortedProviders
                .filter { provider in
                    provider.status == .available && slot.capabilities.allSatisfy(provider.capabilities.contains)
                }
                .map(\.id)
            lines.append("#   \(slot.name): \(candidates.joined(separator: " | "))")
        }
        lines += [
            "pins: {}",
            "",
            "# Optional slots to leave out\(optional.isEmpty ? " (this recipe has none)" : ": " + optional.joined(separator: ", ")).",
            "disabled_slots: []",
            "",
            "# Values for message templates and generated files.",
            "variables:",
            "  brand_name: \(name)",
            "",
        ]
        return lines.joined(separator: "\n")
    }

    /// `owner:`, `senders:` and `shipping:`, commented, with examples in the first market; the sandbox fills in test
    /// values for whichever are left out.
    func launchSettings() -> [String] {
        let market = markets.first ?? CountryCode(rawValue: "SA")
        let phone = market.flatMap(PhoneNumber.example(in:))?.e164 ?? "+966512345678"
        let from = market.flatMap { LaunchSettings.sandboxValue(.shipFrom, market: $0) }
            .flatMap(LaunchSettings.decodeAddress)
        let to = market.flatMap { LaunchSettings.sandboxValue(.shipTo, market: $0) }.flatMap(
            LaunchSettings.decodeAddress)
        func address(_ key: String, _ value: LaunchSettings.Address?) -> String {
            guard let value else { return "#   \(key): {}" }
            return
                "#   \(key): { name: \(value.name), phone: \"\(value.phone.e164)\", address: \(value.line1), city: \(value.city), country: \(value.country.rawValue) }"
        }
        return [
            "# Who receives the launch's test OTP and WhatsApp message: a mobile in international form (+\(phone.dropFirst(1).prefix(3))…);",
            "# a national number is read in the first market, and Arabic-Indic digits are fine.",
            "# owner: { phone: \"\(phone)\", email: owner@example.com }",
            "",
            "# The senders your messaging providers approved: an SMS sender ID (1–11 letters or digits) and the",
            "# WhatsApp Business number.",
            "# senders: { sms: \(String(ProjectFileWriter.sanitizedName(name).filter(\.isLetter).prefix(11)).capitalized), whatsapp: \"\(phone)\", email: launch@example.com }",
            "",
            "# The test shipment's two ends. With sandbox connections, 'sheen apply' uses test values for anything",
            "# left out here; with real ones, the steps that need a value say so.",
            "# shipping:",
            address("from", from),
            address("to", to),
            "",
            "# For enterprise sign-in (Auth0): the SAML metadata URL of the customer's identity provider.",
            "# sso: { metadata_url: https://idp.example.com/saml/metadata }",
            "",
        ]
    }
}
