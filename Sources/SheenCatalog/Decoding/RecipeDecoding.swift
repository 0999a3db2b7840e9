import SheenModel
internal import Yams

extension DocumentDecoder {
    func recipe(_ root: Node) -> Recipe? {
        guard let file = mapping(root, path: "") else { return nil }
        defer { file.finish() }
        let id = file.id()
        let name = file.localized("name", required: true)
        let description = file.localized("description", required: true)
        let markets = file.markets("markets", required: true) ?? []
        var slots: [Recipe.Slot] = []
        if let slotsReader = file.mapping("slots", required: true) {
            for key in slotsReader.keys {
                guard let node = slotsReader.value(key) else { continue }
                if !Self.isValidID(key) {
                    report(.invalidIdentifier(path: slotsReader.child(key), value: key), at: node)
                } else if let slot = slot(name: key, node: node, path: slotsReader.child(key)) {
                    slots.append(slot)
                }
            }
            slotsReader.finish()
        }
        let steps = file.list("steps")?.compactMap { step($0.node, path: $0.path) } ?? []
        let templates = file.list("templates")?.compactMap { template($0.node, path: $0.path) } ?? []
        let checklist = file.located("checklist", required: true)
        guard let id, let name, let description, let checklist else { return nil }
        return Recipe(
            id: id, name: name, description: description, markets: markets, slots: slots, steps: steps,
            templates: templates, checklist: checklist, location: file.keyLocation("id"))
    }

    private func slot(name: String, node: Node, path: String) -> Recipe.Slot? {
        guard let reader = mapping(node, path: path) else { return nil }
        defer { reader.finish() }
        let title = reader.localized("title")
        let capabilities = (reader.references("capabilities", required: true) ?? []).map {
            Capability($0.id, at: $0.location)
        }
        if reader.value("capabilities") != nil, capabilities.isEmpty {
            report(.emptyList(path: reader.child("capabilities")), at: node)
        }
        return Recipe.Slot(
            name: name, title: title, capabilities: capabilities, optional: reader.bool("optional", default: false),
            perMarket: reader.bool("per_market", default: false), prefer: reader.references("prefer") ?? [],
            paymentMethods: reader.references("payment_methods")?.map(\.id) ?? [],
            residency: reader.bool("residency", default: false), location: location(of: node))
    }

    private func template(_ node: Node, path: String) -> Recipe.MessageTemplate? {
        guard let reader = mapping(node, path: path) else { return nil }
        defer { reader.finish() }
        let name = reader.string("name", required: true)
        let channel = reader.choice("channel", as: Recipe.MessageTemplate.Channel.self) ?? .whatsapp
        let category = reader.choice("category", as: Recipe.MessageTemplate.Category.self)
        let examples = reader.list("examples")?.compactMap { string($0.node, path: $0.path) } ?? []
        var variants: [Recipe.MessageTemplate.Variant] = []
        if let languages = reader.mapping("languages", required: true) {
            for code in languages.keys {
                guard let variantNode = languages.value(code) else { continue }
                if let variant = variant(language: code, node: variantNode, path: languages.child(code)) {
                    variants.append(variant)
                }
            }
            languages.finish()
        }
        guard let name else { return nil }
        return Recipe.MessageTemplate(
            name: name, channel: channel, category: category, examples: examples, variants: variants,
            location: location(of: node))
    }

    /// A language entry is either the body text alone or a mapping with header, body, footer and buttons.
    private func variant(language: String, node: Node, path: String) -> Recipe.MessageTemplate.Variant? {
        if case .scalar = node {
            return string(node, path: path).map { .init(language: language, body: $0, location: location(of: node)) }
        }
        guard let reader = mapping(node, path: path) else { return nil }
        defer { reader.finish() }
        let header = reader.string("header")
        let body = reader.string("body", required: true)
        let footer = reader.string("footer")
        let buttons = reader.list("buttons")?.compactMap { string($0.node, path: $0.path) } ?? []
        guard let body else { return nil }
        return .init(
            language: language, header: header, body: body, footer: footer, buttons: buttons,
            location: location(of: node))
    }
}
