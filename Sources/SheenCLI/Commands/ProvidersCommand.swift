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
            help: ArgumentHelp("Only providers serving this market (ISO 3166 code, e.g. SA).", valueName: "code"),
            transform: CodeArguments.market)
        var market: CountryCode?

        @Option(
            name: .long,
            help: ArgumentHelp("Only providers settling this currency (ISO 4217 code, e.g. SAR).", valueName: "code"),
            transform: CodeArguments.currency)
        var currency: CurrencyCode?

        @Flag(name: .long, help: "Only providers that can be provisioned now (not coming soon).")
        var available = false

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let session = try CatalogSession(options: global)
            let capability = try CodeArguments.capability(capability, in: session.catalog, language: global.language)
            let providers = session.catalog.providers(
                offering: capability, in: market, settling: currency,
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
