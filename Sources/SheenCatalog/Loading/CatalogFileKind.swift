import SheenModel
internal import Yams

/// What a YAML file describes, decided by the folder it sits in, then by its name, then by its keys.
public enum CatalogFileKind: String, Sendable, CaseIterable {
    case capabilities
    case provider
    case recipe
    case checklist
    case project

    /// The catalog folder that holds files of this kind.
    public var folder: String? {
        switch self {
        case .capabilities: "Capabilities"
        case .provider: "Providers"
        case .recipe: "Recipes"
        case .checklist: "Checklists"
        case .project: nil
        }
    }

    static func infer(path: String, root: Node) -> CatalogFileKind? {
        let components = path.split(separator: "/")
        if let parent = components.dropLast().last {
            for kind in allCases where kind.folder == String(parent) { return kind }
        }
        if components.last == "sheen.yaml" || components.last == "sheen.yml" { return .project }
        guard case .mapping(let mapping) = root else { return nil }
        let keys = Set(mapping.keys.compactMap(\.string))
        if keys.contains("slots") { return .recipe }
        if keys.contains("items") { return .checklist }
        if keys.contains("category") || keys.contains("provisioning") { return .provider }
        if keys.contains("recipe") { return .project }
        if keys.contains("capabilities") { return .capabilities }
        return nil
    }
}
