import SheenModel
internal import Yams

extension DocumentDecoder {
    func checklist(_ root: Node) -> Checklist? {
        guard let file = mapping(root, path: "") else { return nil }
        defer { file.finish() }
        let id = file.id()
        let name = file.localized("name", required: true)
        let items = file.list("items", required: true)?.compactMap { item($0.node, path: $0.path) } ?? []
        guard let id, let name else { return nil }
        return Checklist(id: id, name: name, items: items, location: file.keyLocation("id"))
    }

    private func item(_ node: Node, path: String) -> Checklist.Item? {
        guard let reader = mapping(node, path: path) else { return nil }
        defer { reader.finish() }
        let id = reader.id()
        let title = reader.localized("title", required: true)
        let evidence =
            reader.list("evidence", required: true)?.compactMap { evidenceEntry($0.node, path: $0.path) } ?? []
        if reader.value("evidence") != nil, evidence.isEmpty {
            report(.emptyList(path: reader.child("evidence")), at: node)
        }
        let fix = reader.localized("fix", required: true)
        var conditions: [Checklist.Condition] = []
        if let when = reader.mapping("when") {
            if let slot = when.string("slot") { conditions.append(.slotPresent(slot)) }
            if let market = when.value("market").flatMap({ market($0, path: when.child("market")) }) {
                conditions.append(.market(market))
            }
            if let environment = when.value("environment").flatMap({ environment($0, path: when.child("environment")) })
            {
                conditions.append(.environment(environment))
            }
            if let language = when.string("serves") {
                // Only Arabic has a rule today; any other value is a mistake worth naming.
                if language == "ar" {
                    conditions.append(.servesArabic)
                } else {
                    report(
                        .invalidChoice(path: when.child("serves"), value: language, allowed: ["ar"], suggestion: nil),
                        at: when.node)
                }
            }
            when.finish()
        }
        guard let id, let title, let fix else { return nil }
        return Checklist.Item(
            id: id, title: title, evidence: evidence, fix: fix, conditions: conditions, location: location(of: node))
    }

    /// `step` and `manual` stand alone; `{probe: …}` and `{event: …, status: …}` carry a parameter.
    private func evidenceEntry(_ node: Node, path: String) -> Checklist.Evidence? {
        if case .scalar = node {
            guard let word = string(node, path: path) else { return nil }
            switch word {
            case "step": return .stepResult
            case "manual": return .manualAttestation
            default:
                let allowed = ["step", "manual", "{probe: …}", "{event: …}"]
                report(
                    .invalidChoice(
                        path: path, value: word, allowed: allowed,
                        suggestion: Suggestion.closest(to: word, in: ["step", "manual"])),
                    at: node)
                return nil
            }
        }
        guard let reader = mapping(node, path: path) else { return nil }
        defer { reader.finish() }
        if let probeNode = reader.value("probe") {
            return choice(probeNode, path: reader.child("probe"), as: Checklist.Probe.self).map { .probe($0) }
        }
        if let event = reader.string("event") {
            return .event(type: event, status: reader.string("status"))
        }
        _ = reader.value("status")
        report(.missingKey(key: "probe' or 'event", path: "'\(path)'"), at: node)
        return nil
    }
}
