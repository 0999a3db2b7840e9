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
        let rule = reader.required("evidence").flatMap { evidenceRule($0, path: reader.child("evidence")) }
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
        guard let id, let title, let fix, let rule else { return nil }
        return Checklist.Item(
            id: id, title: title, rule: rule, fix: fix, conditions: conditions, location: location(of: node))
    }

    /// A list (any one suffices), `{all_of: […]}` or `{any_of: […]}`, nested as deep as needed; `nil` (reported)
    /// when empty or malformed.
    private func evidenceRule(_ node: Node, path: String) -> Checklist.EvidenceRule? {
        if case .sequence = node {
            return combination(node, path: path, make: Checklist.EvidenceRule.anyOf)
        }
        if case .mapping(let mapping) = node,
            let key = mapping.keys.compactMap({ $0.string }).first(where: { $0 == "all_of" || $0 == "any_of" })
        {
            guard let reader = self.mapping(node, path: path) else { return nil }
            defer { reader.finish() }
            guard let list = reader.value(key) else { return nil }
            return combination(
                list, path: reader.child(key),
                make: key == "all_of" ? Checklist.EvidenceRule.allOf : Checklist.EvidenceRule.anyOf)
        }
        return evidenceEntry(node, path: path).map(Checklist.EvidenceRule.evidence)
    }

    private func combination(
        _ node: Node, path: String, make: ([Checklist.EvidenceRule]) -> Checklist.EvidenceRule
    ) -> Checklist.EvidenceRule? {
        guard let items = list(node, path: path) else { return nil }
        guard !items.isEmpty else {
            report(.emptyList(path: path), at: node)
            return nil
        }
        let rules = items.enumerated().compactMap { evidenceRule($0.element, path: "\(path)[\($0.offset)]") }
        return rules.count == items.count ? make(rules) : nil
    }

    /// `step` and `manual` stand alone; `{probe: …}` and `{event: …, status: S | [S, …], per_template: channel}` carry
    /// parameters.
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
            var statuses: [String] = []
            if let status = reader.value("status") {
                if case .sequence = status {
                    statuses = (list(status, path: reader.child("status")) ?? []).enumerated().compactMap {
                        string($0.element, path: "\(reader.child("status"))[\($0.offset)]")
                    }
                } else if let one = string(status, path: reader.child("status")) {
                    statuses = [one]
                }
            }
            let per = reader.choice("per_template", as: Recipe.MessageTemplate.Channel.self)
            return .event(Checklist.EventMatch(type: event, statuses: statuses, perTemplate: per))
        }
        _ = reader.value("status")
        _ = reader.value("per_template")
        report(.missingKey(key: "probe' or 'event", path: "'\(path)'"), at: node)
        return nil
    }
}
