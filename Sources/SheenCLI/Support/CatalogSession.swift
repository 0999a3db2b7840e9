import ArgumentParser
import SheenCatalog
import SheenModel

/// The catalog a command works on, loaded and validated once; a catalog with errors stops the command with exit 1
/// after printing every diagnostic.
struct CatalogSession {
    let catalog: Catalog
    let directory: String

    init(options: GlobalOptions) throws {
        let directory: String
        do {
            directory = try CatalogLocator().locate(explicit: options.catalog)
        } catch {
            throw ValidationError(error.message(in: options.language))
        }
        let result = CatalogLoader().load(catalogAt: directory)
        if result.diagnostics.hasErrors {
            for diagnostic in result.diagnostics {
                Console.error(diagnostic.rendered(in: options.language))
            }
            let language = options.language
            Console.error(CLIMessage.catalogHasErrors(directory)(language))
            throw ExitCode(ExitStatus.invalidInput)
        }
        self.catalog = result.catalog
        self.directory = directory
    }

    /// The recipe `id`, or a usage error with a "did you mean".
    func recipe(_ id: String, language: Language) throws -> Recipe {
        try lookup(id, in: catalog.recipes, kind: CLIMessage.kindRecipe(language), language: language)
    }

    /// The provider `id`, or a usage error with a "did you mean".
    func provider(_ id: String, language: Language) throws -> ProviderManifest {
        try lookup(id, in: catalog.providers, kind: CLIMessage.kindProvider(language), language: language)
    }

    private func lookup<Entry>(
        _ id: String, in entries: [String: Entry], kind: String, language: Language
    ) throws -> Entry {
        guard let entry = entries[id] else {
            throw ValidationError(
                CodeArguments.unknown(kind: kind, value: id, candidates: entries.keys.sorted(), language: language))
        }
        return entry
    }
}
