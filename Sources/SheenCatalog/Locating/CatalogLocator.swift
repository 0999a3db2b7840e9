import Foundation
import SheenModel

/// Finds the catalog a command should read, in the order a user would expect: an explicit `--catalog`, then
/// `SHEEN_CATALOG`, then the catalog installed beside the binary, then the source tree the binary was built in.
public struct CatalogLocator: Sendable {
    public enum Failure: Error, CustomStringConvertible, Sendable {
        case notACatalog(path: String, origin: String)
        case notFound(searched: [String])

        public var description: String { message(in: .en) }

        /// The message in `language`.
        public func message(in language: Language) -> String {
            switch (self, language) {
            case (.notACatalog(let path, let origin), .ar):
                "يشير \(origin) إلى '\(path)' وليس فيه مجلد Providers/ أو Recipes/"
            case (.notFound, .ar):
                "لم يُعثر على كتالوج؛ استخدم ‎--catalog DIR أو اضبط SHEEN_CATALOG"
            default:
                english
            }
        }

        private var english: String {
            switch self {
            case .notACatalog(let path, let origin):
                "\(origin) points at '\(path)', which has no Providers/ or Recipes/ folder"
            case .notFound(let searched):
                "no catalog found (looked in \(searched.joined(separator: ", "))); pass --catalog DIR or set SHEEN_CATALOG"
            }
        }
    }

    public var environment: [String: String]
    public var executablePath: String?

    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        executablePath: String? = Bundle.main.executableURL?.resolvingSymlinksInPath().path
    ) {
        self.environment = environment
        self.executablePath = executablePath
    }

    /// The catalog directory, or why none was found.
    public func locate(explicit: String?) throws(Failure) -> String {
        if let explicit {
            guard Self.isCatalog(explicit) else { throw .notACatalog(path: explicit, origin: "--catalog") }
            return explicit
        }
        if let fromEnvironment = environment["SHEEN_CATALOG"], !fromEnvironment.isEmpty {
            guard Self.isCatalog(fromEnvironment) else {
                throw .notACatalog(path: fromEnvironment, origin: "SHEEN_CATALOG")
            }
            return fromEnvironment
        }
        var searched: [String] = []
        if let executablePath {
            let binDirectory = (executablePath as NSString).deletingLastPathComponent
            // scripts/install lays out PREFIX/bin/sheen and PREFIX/share/sheen/catalog.
            let installed = ((binDirectory as NSString).deletingLastPathComponent as NSString)
                .appendingPathComponent("share/sheen/catalog")
            searched.append(installed)
            if Self.isCatalog(installed) { return installed }
            // A binary under .build/…/debug finds the repository it was built from.
            var directory = binDirectory
            while directory != "/" && !directory.isEmpty {
                if Self.isCatalog(directory) { return directory }
                directory = (directory as NSString).deletingLastPathComponent
            }
            searched.append("the folders above \(binDirectory)")
        }
        throw .notFound(searched: searched)
    }

    static func isCatalog(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        let providers = (path as NSString).appendingPathComponent("Providers")
        let recipes = (path as NSString).appendingPathComponent("Recipes")
        return (FileManager.default.fileExists(atPath: providers, isDirectory: &isDirectory) && isDirectory.boolValue)
            || (FileManager.default.fileExists(atPath: recipes, isDirectory: &isDirectory) && isDirectory.boolValue)
    }
}
