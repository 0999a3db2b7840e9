import SheenModel
internal import Yams

extension DocumentDecoder {
    /// Capability ids are dotted kebab-case words: `checkout.create`, `whatsapp.template`.
    static func isValidCapability(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count >= 2 && parts.allSatisfy { isValidID(String($0)) }
    }

    func capabilityDefinitions(_ root: Node) -> [CapabilityDefinition] {
        guard let file = mapping(root, path: "") else { return [] }
        defer { file.finish() }
        var result: [CapabilityDefinition] = []
        for (node, path) in file.list("capabilities", required: true) ?? [] {
            guard let reader = mapping(node, path: path) else { continue }
            let idNode = reader.required("id")
            let id = idNode.flatMap { string($0, path: reader.child("id")) }
            let summary = reader.localized("summary", required: true)
            reader.finish()
            guard let id, let idNode, let summary else { continue }
            guard Self.isValidCapability(id) else {
                report(.invalidIdentifier(path: reader.child("id"), value: id), at: idNode)
                continue
            }
            result.append(
                CapabilityDefinition(id: Capability(rawValue: id), summary: summary, location: location(of: idNode)))
        }
        return result
    }
}
