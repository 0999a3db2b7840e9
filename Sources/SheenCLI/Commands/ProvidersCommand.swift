import ArgumentParser
import SheenCatalog
import SheenModel

struct ProvidersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "providers",
        abstract: "List the providers in the catalog, or show one.",
        subcommands: [List.self, Show.self],
        defaultSubcommand: List.self
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List providers, filtered by what they offer and where.",
            discussion: """
                Filters combine: a provider is listed when it offers the capability, serves the market (global \
                providers serve every market) and settles the currency.

                Examples:
                  sheen providers --capability bnpl.authorize --market SA
                  sheen providers --market KW --currency KWD
                  sheen providers --capability whatsapp.send --json
                """
        )

        @Option(
            name: .long,
            help: ArgumentHelp(
                "Only providers offering this capability, e.g. checkout.create.", valueName: "capability"))
        var capability: String?

        @Option(
            name: .long,
            help: ArgumentHelp("Only providers serving this market (ISO 3166 code, e.g. SA).", valueName: "code"))
        var market: String?

        @Option(
            name: .long,
            help: ArgumentHelp("Only providers settling this currency (ISO 4217 code, e.g. SAR).", valueName: "code"))
        var currency: String?

        @Flag(name: .long, help: "Only providers that can be provisioned now (not coming soon).")
        var available = false

        @OptionGroup var global: GlobalOptions

        func validate() throws {
            _ = try CodeArguments.market(market, language: global.language)
            _ = try CodeArguments.currency(currency, language: global.language)
        }

        func run() throws {
            let session = try CatalogSession(options: global)
            let capability = try CodeArguments.capability(capability, in: session.catalog, language: global.language)
            let providers = session.catalog.providers(
                offering: capability, in: try CodeArguments.market(market, language: global.language),
                settling: try CodeArguments.currency(currency, language: global.language),
                status: available ? .available : nil)
            if global.json {
                try Console.json(ProviderJSON.List(providers: providers.map(ProviderJSON.Summary.init)))
            } else {
                Console.out(ProviderText.table(providers, language: global.language))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one provider: markets, payment methods, limits, webhooks, steps, pricing.",
            discussion: "Example: sheen providers show tap --lang ar"
        )

        @Argument(help: ArgumentHelp("The provider id, e.g. tap.", valueName: "id"))
        var id: String

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let session = try CatalogSession(options: global)
            let provider = try session.provider(id, language: global.language)
            if global.json {
                try Console.json(ProviderJSON.Detail(provider))
            } else {
                Console.out(ProviderText.detail(provider, language: global.language))
            }
        }
    }
}

/// Parses market, currency and capability arguments, turning a typo into a usage error with a suggestion.
enum CodeArguments {
    static func market(_ text: String?, language: Language) throws -> CountryCode? {
        guard let text else { return nil }
        if let code = CountryCode(rawValue: text.uppercased()) { return code }
        let suggestion = CountryCode.commonMistakes[text.uppercased()]
        throw ValidationError(
            unknown(
                kind: CLIMessage.kindMarket(language), value: text, candidates: [], language: language,
                suggestion: suggestion))
    }

    static func currency(_ text: String?, language: Language) throws -> CurrencyCode? {
        guard let text else { return nil }
        if let code = CurrencyCode(rawValue: text.uppercased()) { return code }
        throw ValidationError(
            unknown(
                kind: CLIMessage.kindCurrency(language), value: text, candidates: CurrencyCode.all,
                language: language))
    }

    static func capability(_ text: String?, in catalog: Catalog, language: Language) throws -> Capability? {
        guard let text else { return nil }
        let capability = Capability(rawValue: text)
        guard catalog.capabilities[capability] == nil else { return capability }
        throw ValidationError(
            unknown(
                kind: CLIMessage.kindCapability(language), value: text,
                candidates: catalog.capabilities.keys.map(\.rawValue).sorted(), language: language))
    }

    static func unknown(
        kind: String, value: String, candidates: [String], language: Language, suggestion: String? = nil
    ) -> String {
        let guess = suggestion ?? Suggestion.closest(to: value, in: candidates)
        // With no close match, a short list of what exists is the most useful answer.
        let known = candidates.count <= 30 && !candidates.isEmpty ? candidates.sorted().joined(separator: ", ") : nil
        switch language {
        case .en:
            return "unknown \(kind) '\(value)'"
                + (guess.map { "; did you mean '\($0)'?" } ?? known.map { "; known: \($0)" } ?? "")
        case .ar:
            return "\(kind) غير معروف '\(value)'"
                + (guess.map { "؛ هل تقصد '\($0)'؟" } ?? known.map { "؛ المعروف: \($0)" } ?? "")
        }
    }
}
