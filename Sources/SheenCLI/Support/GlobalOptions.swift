import ArgumentParser
import Foundation
import SheenModel

extension Language: ExpressibleByArgument {}

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Catalog directory (default: $SHEEN_CATALOG, else the one installed beside sheen).", valueName: "dir"))
    var catalog: String?

    @Option(
        name: .long,
        help: ArgumentHelp("Language of messages: en or ar (default: $SHEEN_LANG, else en).", valueName: "lang"))
    var lang: Language?

    @Flag(name: .long, help: "Print machine-readable JSON.")
    var json = false

    var language: Language {
        lang ?? ProcessInfo.processInfo.environment["SHEEN_LANG"].flatMap(Language.init(rawValue:)) ?? .en
    }
}
