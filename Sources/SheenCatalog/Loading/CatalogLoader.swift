import Foundation
import SheenModel
internal import Yams

/// The outcome of loading: whatever could be read, and every problem found on the way.
public struct CatalogLoadResult: Sendable {
    public var catalog: Catalog
    public var projects: [Project]
    public var diagnostics: [Diagnostic]
    /// How many files were read, for the summary line.
    public var fileCount: Int
}

/// Reads catalog directories and loose files into a validated ``Catalog``.
public struct CatalogLoader: Sendable {
    public var parser: YAMLDocumentParser
    /// Paths are shown relative to this directory, so diagnostics stay short and clickable.
    public var displayBase: String

    public init(
        parser: YAMLDocumentParser = YAMLDocumentParser(),
        displayBase: String = FileManager.default.currentDirectoryPath
    ) {
        self.parser = parser
        self.displayBase = displayBase
    }

    /// Loads the catalog rooted at `directory` (its `Capabilities/`, `Providers/`, `Recipes/`, `Checklists/`).
    public func load(catalogAt directory: String) -> CatalogLoadResult {
        load(base: nil, files: Self.catalogFiles(in: directory))
    }

    /// Reads a project file on its own, without checking it against a catalog: enough to learn its name and scope.
    public func decodeProject(at path: String) -> (project: Project?, diagnostics: [Diagnostic]) {
        switch parser.parse(fileAt: path, displayPath: displayPath(path)) {
        case .failure(let list):
            return (nil, list.diagnostics)
        case .success(let root):
            let decoder = DocumentDecoder(file: displayPath(path))
            let project = decoder.project(root)
            return (project, decoder.diagnostics)
        }
    }

    /// Loads `paths` (files, or directories searched recursively for `.yaml`/`.yml`) on top of `base`: entries in
    /// `paths` replace the base's entries of the same id, and cross-references are checked against the union.
    public func load(paths: [String], over base: Catalog?) -> CatalogLoadResult {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                let catalog = Self.catalogFiles(in: path)
                files += catalog.isEmpty ? Self.yamlFiles(under: path) : catalog
            } else {
                files.append(path)
            }
        }
        return load(base: base, files: files)
    }

    private func load(base: Catalog?, files: [String]) -> CatalogLoadResult {
        var diagnostics: [Diagnostic] = []
        var capabilities: [CapabilityDefinition] = []
        var providers: [ProviderManifest] = []
        var recipes: [Recipe] = []
        var checklists: [Checklist] = []
        var projects: [Project] = []
        for path in files {
            let display = displayPath(path)
            let root: Node
            switch parser.parse(fileAt: path, displayPath: display) {
            case .failure(let list):
                diagnostics += list.diagnostics
                continue
            case .success(let node):
                root = node
            }
            guard let kind = CatalogFileKind.infer(path: path, root: root) else {
                diagnostics.append(
                    CatalogProblem.unknownFileKind.diagnostic(at: SourceLocation(file: display, line: 1, column: 1)))
                continue
            }
            let decoder = DocumentDecoder(file: display)
            let fileName = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            switch kind {
            case .capabilities:
                capabilities += decoder.capabilityDefinitions(root)
            case .provider:
                if let manifest = decoder.providerManifest(root) {
                    checkFileName(manifest.id, fileName, manifest.location, kind, &diagnostics, path)
                    providers.append(manifest)
                }
            case .recipe:
                if let recipe = decoder.recipe(root) {
                    checkFileName(recipe.id, fileName, recipe.location, kind, &diagnostics, path)
                    recipes.append(recipe)
                }
            case .checklist:
                if let checklist = decoder.checklist(root) {
                    checkFileName(checklist.id, fileName, checklist.location, kind, &diagnostics, path)
                    checklists.append(checklist)
                }
            case .project:
                if let project = decoder.project(root) { projects.append(project) }
            }
            diagnostics += decoder.diagnostics
        }
        diagnostics += Self.duplicates(capabilities.map { ($0.id.rawValue, $0.location) }, kind: "capability")
        diagnostics += Self.duplicates(providers.map { ($0.id, $0.location) }, kind: "provider")
        diagnostics += Self.duplicates(recipes.map { ($0.id, $0.location) }, kind: "recipe")
        diagnostics += Self.duplicates(checklists.map { ($0.id, $0.location) }, kind: "checklist")

        let catalog = Self.merge(
            base: base,
            Catalog(capabilities: capabilities, providers: providers, recipes: recipes, checklists: checklists))
        let validator = CatalogValidator(catalog: catalog)
        let loadedIDs = LoadedIDs(
            providers: Set(providers.map(\.id)), recipes: Set(recipes.map(\.id)), checklists: Set(checklists.map(\.id)))
        diagnostics += validator.validate(only: base == nil ? nil : loadedIDs)
        for project in projects { diagnostics += validator.validate(project) }
        return CatalogLoadResult(
            catalog: catalog, projects: projects, diagnostics: diagnostics.sortedForDisplay(), fileCount: files.count)
    }

    /// Only ids in a catalog folder must match their file name: a loose file can be called anything.
    private func checkFileName(
        _ id: String, _ fileName: String, _ location: SourceLocation?, _ kind: CatalogFileKind,
        _ diagnostics: inout [Diagnostic], _ path: String
    ) {
        let parent = ((path as NSString).deletingLastPathComponent as NSString).lastPathComponent
        guard parent == kind.folder, id != fileName, let location else { return }
        diagnostics.append(CatalogProblem.idDoesNotMatchFileName(id: id, fileName: fileName).diagnostic(at: location))
    }

    private static func duplicates(_ entries: [(String, SourceLocation?)], kind: String) -> [Diagnostic] {
        var first: [String: SourceLocation?] = [:]
        var result: [Diagnostic] = []
        for (id, location) in entries {
            if let earlier = first[id] {
                let at = location ?? SourceLocation(file: "?", line: 1, column: 1)
                result.append(CatalogProblem.duplicateID(kind: kind, id: id, firstAt: earlier).diagnostic(at: at))
            } else {
                first[id] = location
            }
        }
        return result
    }

    private static func merge(base: Catalog?, _ loaded: Catalog) -> Catalog {
        guard let base else { return loaded }
        func union<Value>(_ base: [String: Value], _ loaded: [String: Value]) -> [Value] {
            Array(base.merging(loaded) { _, new in new }.values)
        }
        let capabilities = Array(
            base.capabilities.merging(loaded.capabilities) { _, new in new }.values)
        return Catalog(
            capabilities: capabilities, providers: union(base.providers, loaded.providers),
            recipes: union(base.recipes, loaded.recipes), checklists: union(base.checklists, loaded.checklists))
    }

    /// The YAML files of a catalog root, in a stable order.
    static func catalogFiles(in directory: String) -> [String] {
        CatalogFileKind.allCases.compactMap(\.folder).flatMap { folder in
            yamlFiles(under: (directory as NSString).appendingPathComponent(folder))
        }
    }

    static func yamlFiles(under directory: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            guard relative.hasSuffix(".yaml") || relative.hasSuffix(".yml") else { continue }
            files.append((directory as NSString).appendingPathComponent(relative))
        }
        return files.sorted()
    }

    private func displayPath(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : (displayBase as NSString).appendingPathComponent(path)
        let standardized = (absolute as NSString).standardizingPath
        let base = (displayBase as NSString).standardizingPath
        return standardized.hasPrefix(base + "/") ? String(standardized.dropFirst(base.count + 1)) : standardized
    }
}

/// Ids loaded from the paths a user named, so `sheen validate FILE` reports only on that file's entries.
struct LoadedIDs {
    var providers: Set<String>
    var recipes: Set<String>
    var checklists: Set<String>
}
