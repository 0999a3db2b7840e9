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

    var language: Language { lang ?? .fromEnvironment }
}

extension Language {
    /// `$SHEEN_LANG`, else English.
    static var fromEnvironment: Language {
        ProcessInfo.processInfo.environment["SHEEN_LANG"].flatMap(Language.init(rawValue:)) ?? .en
    }

    /// The language of messages produced while arguments are still being parsed, before `GlobalOptions` exists:
    /// `--lang` as written on the command line, else `$SHEEN_LANG`, else English.
    static var requested: Language {
        let arguments = CommandLine.arguments
        for (index, argument) in arguments.enumerated() {
            if argument.hasPrefix("--lang=") { return Language(rawValue: String(argument.dropFirst(7))) ?? .en }
            if argument == "--lang", index + 1 < arguments.count {
                return Language(rawValue: arguments[index + 1]) ?? fromEnvironment
            }
        }
        return fromEnvironment
    }
}
