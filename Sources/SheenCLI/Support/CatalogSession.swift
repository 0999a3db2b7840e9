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
            Console.error(
                language == .en
                    ? "the catalog at '\(directory)' has errors; run 'sheen validate' for details"
                    : "يحتوي الكتالوج في '\(directory)' على أخطاء؛ شغّل 'sheen validate' للتفاصيل")
            throw ExitCode(ExitStatus.invalidInput)
        }
        self.catalog = result.catalog
        self.directory = directory
    }
}
