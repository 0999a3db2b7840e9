import ArgumentParser
import Foundation
import SheenCatalog
import SheenModel

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check provider manifests, recipes, checklists and sheen.yaml for mistakes.",
        discussion: """
            Reports every problem at once, as file:line:column: error: message, with a hint to fix it.

            With no paths, checks the whole catalog and ./sheen.yaml if there is one. With paths (files or \
            folders), checks those files against the catalog: a manifest you are writing can refer to the shipped \
            recipes and checklists, and replaces a shipped entry with the same id.

            Examples:
              sheen validate
              sheen validate Providers/my-gateway.yaml
              sheen validate sheen.yaml --lang ar
              sheen validate --json | jq '.diagnostics[] | select(.severity == "error")'
            """
    )

    @Argument(
        help: ArgumentHelp("Files or folders to check (default: the catalog and ./sheen.yaml).", valueName: "path"))
    var paths: [String] = []

    @Flag(name: .long, help: "Treat warnings as errors.")
    var strict = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        for path in paths where !FileManager.default.fileExists(atPath: path) {
            throw ValidationError(
                CLIMessage.noSuchPath(path)(global.language))
        }
    }

    func run() throws {
        let loader = CatalogLoader()
        let located: String?
        do {
            located = try CatalogLocator().locate(explicit: global.catalog)
        } catch {
            // Named files can be checked on their own; an explicit --catalog that is wrong is always an error.
            guard global.catalog == nil, !paths.isEmpty else {
                throw ValidationError(error.message(in: global.language))
            }
            located = nil
        }
        let result: CatalogLoadResult
        if paths.isEmpty, let located {
            var targets = [located]
            if FileManager.default.fileExists(atPath: "sheen.yaml") { targets.append("sheen.yaml") }
            result = targets.count == 1 ? loader.load(catalogAt: located) : loader.load(paths: targets, over: nil)
        } else {
            let base = located.map { loader.load(catalogAt: $0).catalog }
            result = loader.load(paths: paths, over: base)
        }
        let report = ValidationReport(result: result, strict: strict)
        if global.json {
            try Console.json(report.json(in: global.language))
        } else {
            Console.out(report.text(in: global.language))
        }
        if report.failed { throw ExitCode(ExitStatus.invalidInput) }
    }
}

/// The result of `sheen validate`, as text or JSON.
struct ValidationReport {
    let diagnostics: [Diagnostic]
    let fileCount: Int
    let strict: Bool

    init(result: CatalogLoadResult, strict: Bool) {
        self.diagnostics = result.diagnostics
        self.fileCount = result.fileCount
        self.strict = strict
    }

    var errors: Int { diagnostics.count { $0.severity == .error } }
    var warnings: Int { diagnostics.count { $0.severity == .warning } }
    var failed: Bool { errors > 0 || (strict && warnings > 0) }

    func text(in language: Language) -> String {
        var lines = diagnostics.map { $0.rendered(in: language) }
        switch language {
        case .en:
            lines.append(
                "checked \(fileCount) \(fileCount == 1 ? "file" : "files"): \(errors) \(errors == 1 ? "error" : "errors"), \(warnings) \(warnings == 1 ? "warning" : "warnings")"
            )
        case .ar:
            lines.append("تم فحص \(fileCount) من الملفات: \(errors) من الأخطاء، \(warnings) من التحذيرات")
        }
        return lines.joined(separator: "\n")
    }

    struct JSON: Encodable {
        struct Entry: Encodable {
            let severity: String
            let code: String
            let file: String
            let line: Int
            let column: Int
            let message: String
            let hint: String?
        }

        let formatVersion = 1
        let valid: Bool
        let files: Int
        let errors: Int
        let warnings: Int
        let diagnostics: [Entry]

        enum CodingKeys: String, CodingKey {
            case formatVersion = "format_version"
            case valid, files, errors, warnings, diagnostics
        }
    }

    func json(in language: Language) -> JSON {
        JSON(
            valid: !failed, files: fileCount, errors: errors, warnings: warnings,
            diagnostics: diagnostics.map {
                .init(
                    severity: $0.severity.rawValue, code: $0.code, file: $0.location.file, line: $0.location.line,
                    column: $0.location.column, message: $0.message(language), hint: $0.hint?(language))
            })
    }
}
