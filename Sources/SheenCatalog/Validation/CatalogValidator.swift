import SheenModel

/// Checks what no single file can check alone: references between files, the step graphs, and provider facts that
/// span fields (a payment method's currency against its provider's).
struct CatalogValidator {
    let catalog: Catalog
    private let itemIDs: Set<String>
    private let methodIDs: Set<String>

    init(catalog: Catalog) {
        self.catalog = catalog
        self.itemIDs = catalog.checklistItemIDs
        self.methodIDs = Set(catalog.providers.values.flatMap { $0.paymentMethods.map(\.id) })
    }

    /// Validates every entry, or only those in `only` (their references still resolve against the whole catalog).
    func validate(only: LoadedIDs? = nil) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        for provider in catalog.sortedProviders where only?.providers.contains(provider.id) ?? true {
            diagnostics += validate(provider)
        }
        for recipe in catalog.sortedRecipes where only?.recipes.contains(recipe.id) ?? true {
            diagnostics += validate(recipe)
        }
        for checklist in catalog.checklists.values.sorted(by: { $0.id < $1.id })
        where only?.checklists.contains(checklist.id) ?? true {
            diagnostics += validate(checklist)
        }
        return diagnostics
    }

    // MARK: Providers

    private func validate(_ provider: ProviderManifest) -> [Diagnostic] {
        var out = Output(fallback: provider.location)
        checkCapabilities(provider.capabilities, &out)
        if let field = provider.webhooks?.secretField, provider.auth.credential(named: field)?.secret != true {
            let secrets = provider.auth.credentials.filter(\.secret).map(\.name)
            out.add(
                .unknownKey(
                    key: field, path: "webhooks.secret_field", suggestion: Suggestion.closest(to: field, in: secrets)),
                provider.location)
        }
        for method in provider.paymentMethods {
            for currency in method.currencies where !provider.currencies.contains(currency) {
                out.add(
                    .paymentMethodCurrencyOutsideProvider(
                        method: method.id, currency: currency.rawValue, provider: provider.id), method.location)
            }
            for market in method.markets where !provider.markets.isEmpty && !provider.markets.contains(market) {
                out.add(
                    .paymentMethodMarketOutsideProvider(
                        method: method.id, market: market.rawValue, provider: provider.id), method.location)
            }
            if let scheme = PaymentScheme.known[method.id] {
                let effective = method.currencies.isEmpty ? provider.currencies : method.currencies
                if effective != [scheme.currency] {
                    out.add(
                        .localSchemeCurrency(
                            method: method.id, required: [scheme.currency.rawValue],
                            found: method.currencies.map(\.rawValue)), method.location)
                }
            }
        }
        var siblings: [String: StepTemplate] = [:]
        for step in provider.provisioning {
            if siblings[step.id] != nil {
                out.add(.duplicateID(kind: "step", id: step.id, firstAt: siblings[step.id]?.location), step.location)
            }
            siblings[step.id] = siblings[step.id] ?? step
            if !step.kind.hasPrefix(provider.id + ".") {
                out.add(.stepKindPrefix(kind: step.kind, expected: provider.id + "."), step.location)
            }
        }
        var edges: [String: [String]] = [:]
        for step in provider.provisioning {
            edges[step.id, default: []] += []
            for dependency in step.dependsOn where !dependency.id.hasPrefix("recipe.") {
                if siblings[dependency.id] != nil {
                    edges[step.id, default: []].append(dependency.id)
                } else {
                    let suggestion = Suggestion.closest(to: dependency.id, in: siblings.keys.sorted())
                    out.add(
                        .unknownStepDependency(step: step.id, reference: dependency.id, suggestion: suggestion),
                        dependency.location ?? step.location)
                }
            }
            checkEvidences(step, &out)
        }
        if let cycle = CycleFinder.firstCycle(in: edges) {
            out.add(.dependencyCycle(path: cycle), siblings[cycle[0]]?.location)
        }
        return out.diagnostics
    }

    // MARK: Recipes

    private func validate(_ recipe: Recipe) -> [Diagnostic] {
        var out = Output(fallback: recipe.location)
        let checklist = catalog.checklists[recipe.checklist.id]
        if checklist == nil {
            out.add(
                .unknownChecklist(
                    recipe.checklist.id,
                    suggestion: Suggestion.closest(to: recipe.checklist.id, in: catalog.checklists.keys.sorted())),
                recipe.checklist.location)
        }
        let stepIDs = Set(recipe.steps.map(\.id))
        let slotNames = Set(recipe.slots.map(\.name))
        var edges: [String: [String]] = [:]
        for slot in recipe.slots {
            checkCapabilities(slot.capabilities, &out)
            let known = slot.capabilities.allSatisfy { catalog.capabilities[$0] != nil }
            let candidates = catalog.sortedProviders.filter { provider in
                slot.capabilities.allSatisfy(provider.capabilities.contains)
            }
            if known, candidates.isEmpty {
                out.add(
                    .slotUnfillable(slot: slot.name, capabilities: slot.capabilities.map(\.rawValue)), slot.location)
            } else if known, !candidates.contains(where: { $0.status == .available }), !slot.optional {
                out.add(
                    .providerComingSoon(provider: candidates.map(\.id).joined(separator: ", ")), slot.location, .warning
                )
            }
            for preferred in slot.prefer {
                guard let provider = catalog.providers[preferred.id] else {
                    out.add(
                        .unknownProvider(
                            preferred.id,
                            suggestion: Suggestion.closest(to: preferred.id, in: catalog.providers.keys.sorted())),
                        preferred.location)
                    continue
                }
                let missing = slot.capabilities.filter { !provider.capabilities.contains($0) }
                if !missing.isEmpty {
                    out.add(
                        .pinnedProviderLacksCapability(
                            provider: provider.id, slot: slot.name, missing: missing.map(\.rawValue)),
                        preferred.location)
                }
            }
            for method in slot.paymentMethods where !methodIDs.contains(method) {
                out.add(
                    .invalidChoice(
                        path: "slots.\(slot.name).payment_methods", value: method, allowed: methodIDs.sorted(),
                        suggestion: Suggestion.closest(to: method, in: methodIDs.sorted())), slot.location)
            }
            // A slot waits for the recipe steps its candidate providers build on, so a cycle through a provider shows.
            var slotEdges: Set<String> = []
            for provider in candidates {
                for step in provider.provisioning {
                    for dependency in step.dependsOn where dependency.id.hasPrefix("recipe.") {
                        let target = String(dependency.id.dropFirst("recipe.".count))
                        if stepIDs.contains(target) {
                            slotEdges.insert(target)
                        } else {
                            out.add(
                                .unknownRecipeStepForProvider(
                                    provider: provider.id, step: step.id, reference: dependency.id,
                                    suggestion: Suggestion.closest(to: target, in: stepIDs.sorted()).map {
                                        "recipe.\($0)"
                                    }), slot.location)
                        }
                    }
                }
            }
            edges["slot:" + slot.name] = slotEdges.sorted()
        }
        var seenSteps: [String: SourceLocation?] = [:]
        for step in recipe.steps {
            if let first = seenSteps[step.id] {
                out.add(.duplicateID(kind: "step", id: step.id, firstAt: first), step.location)
            }
            seenSteps[step.id] = step.location
            if !step.kind.hasPrefix("recipe.") && step.kind != "sheen.data" {
                out.add(.stepKindPrefix(kind: step.kind, expected: "recipe."), step.location)
            }
            var targets: [String] = []
            for dependency in step.dependsOn {
                if stepIDs.contains(dependency.id) {
                    targets.append(dependency.id)
                } else if slotNames.contains(dependency.id) {
                    targets.append("slot:" + dependency.id)
                } else {
                    let suggestion = Suggestion.closest(to: dependency.id, in: (stepIDs.union(slotNames)).sorted())
                    out.add(
                        .unknownStepDependency(step: step.id, reference: dependency.id, suggestion: suggestion),
                        dependency.location ?? step.location)
                }
            }
            edges[step.id] = targets
            checkEvidences(step, &out, within: checklist)
        }
        if let cycle = CycleFinder.firstCycle(in: edges) {
            let path = cycle.map { $0.hasPrefix("slot:") ? String($0.dropFirst(5)) + " (slot)" : $0 }
            let first = cycle[0]
            let location =
                first.hasPrefix("slot:")
                ? recipe.slot(named: String(first.dropFirst(5)))?.location
                : recipe.steps.first { $0.id == first }?.location
            out.add(.dependencyCycle(path: path), location)
        }
        var templateNames: Set<String> = []
        for template in recipe.templates {
            if !templateNames.insert(template.name).inserted {
                out.add(.duplicateID(kind: "template", id: template.name, firstAt: nil), template.location)
            }
            for (problem, location) in WhatsAppTemplateRules.problems(in: template) {
                out.add(problem, location)
            }
        }
        return out.diagnostics
    }

    // MARK: Checklists

    private func validate(_ checklist: Checklist) -> [Diagnostic] {
        var out = Output(fallback: checklist.location)
        var seen: [String: SourceLocation?] = [:]
        let evidenced = Set(
            catalog.providers.values.flatMap { $0.provisioning.flatMap { $0.evidences.map(\.id) } }
                + catalog.recipes.values.flatMap { $0.steps.flatMap { $0.evidences.map(\.id) } })
        for item in checklist.items {
            if let first = seen[item.id] {
                out.add(.duplicateID(kind: "checklist item", id: item.id, firstAt: first), item.location)
            }
            seen[item.id] = item.location
            if item.evidence.contains(.stepResult), !evidenced.contains(item.id) {
                out.add(.itemWithoutEvidenceStep(item: item.id), item.location, .warning)
            }
        }
        return out.diagnostics
    }

    // MARK: Projects

    /// Checks a project file against the catalog: its recipe, markets, pins and left-out slots.
    func validate(_ project: Project) -> [Diagnostic] {
        var out = Output(fallback: project.location)
        guard let recipe = catalog.recipes[project.recipe.id] else {
            out.add(
                .unknownRecipe(
                    project.recipe.id,
                    suggestion: Suggestion.closest(to: project.recipe.id, in: catalog.recipes.keys.sorted())),
                project.recipe.location)
            return out.diagnostics
        }
        for market in project.markets where !recipe.markets.isEmpty && !recipe.markets.contains(market) {
            out.add(.marketOutsideRecipe(market: market.rawValue, recipe: recipe.id), project.location, .warning)
        }
        let slotNames = recipe.slots.map(\.name)
        for (key, provider) in project.pins.sorted(by: { $0.key < $1.key }) {
            let slotName = String(key.split(separator: ".").first ?? "")
            guard let slot = recipe.slot(named: slotName) else {
                out.add(
                    .unknownSlot(slotName, suggestion: Suggestion.closest(to: slotName, in: slotNames)),
                    provider.location)
                continue
            }
            guard let manifest = catalog.providers[provider.id] else {
                out.add(
                    .unknownProvider(
                        provider.id,
                        suggestion: Suggestion.closest(to: provider.id, in: catalog.providers.keys.sorted())),
                    provider.location)
                continue
            }
            let missing = slot.capabilities.filter { !manifest.capabilities.contains($0) }
            if !missing.isEmpty {
                out.add(
                    .pinnedProviderLacksCapability(
                        provider: manifest.id, slot: slot.name, missing: missing.map(\.rawValue)), provider.location)
            }
        }
        for slot in project.disabledSlots where recipe.slot(named: slot.id) == nil {
            out.add(.unknownSlot(slot.id, suggestion: Suggestion.closest(to: slot.id, in: slotNames)), slot.location)
        }
        for declared in project.connections { validate(declared, &out) }
        return out.diagnostics
    }

    /// A declared connection names a provider and its fields; a secret field must come from the environment, since
    /// the file is committed.
    private func validate(_ declared: Project.DeclaredConnection, _ out: inout Output) {
        guard let manifest = catalog.providers[declared.provider.id] else {
            out.add(
                .unknownProvider(
                    declared.provider.id,
                    suggestion: Suggestion.closest(to: declared.provider.id, in: catalog.providers.keys.sorted())),
                declared.provider.location)
            return
        }
        let known = manifest.auth.credentials.map(\.name)
        for (field, value) in declared.fields.sorted(by: { $0.key < $1.key }) {
            guard let credential = manifest.auth.credential(named: field) else {
                out.add(
                    .unknownKey(
                        key: field, path: "connections.fields", suggestion: Suggestion.closest(to: field, in: known)),
                    declared.location)
                continue
            }
            if credential.secret, Project.DeclaredConnection.variable(in: value) == nil {
                out.add(.secretInProjectFile(provider: manifest.id, field: field), declared.location)
            }
        }
        for field in manifest.auth.credentials where !field.optional && declared.fields[field.name] == nil {
            out.add(.missingKey(key: field.name, path: "'connections.fields' of \(manifest.id)"), declared.location)
        }
    }

    // MARK: Shared

    private func checkCapabilities(_ capabilities: [Capability], _ out: inout Output) {
        for capability in capabilities where catalog.capabilities[capability] == nil {
            let suggestion = Suggestion.closest(
                to: capability.rawValue, in: catalog.capabilities.keys.map(\.rawValue).sorted())
            out.add(.unknownCapability(capability.rawValue, suggestion: suggestion), capability.location)
        }
    }

    private func checkEvidences(_ step: StepTemplate, _ out: inout Output, within checklist: Checklist? = nil) {
        let candidates = checklist.map { Set($0.items.map(\.id)) } ?? itemIDs
        for item in step.evidences where !candidates.contains(item.id) {
            out.add(
                .unknownChecklistItem(item.id, suggestion: Suggestion.closest(to: item.id, in: candidates.sorted())),
                item.location ?? step.location)
        }
    }

    /// Collects diagnostics, placing any without a location at the entry's own.
    private struct Output {
        let fallback: SourceLocation?
        var diagnostics: [Diagnostic] = []

        mutating func add(
            _ problem: CatalogProblem, _ location: SourceLocation?, _ severity: Diagnostic.Severity = .error
        ) {
            let at = location ?? fallback ?? SourceLocation(file: "<catalog>", line: 1, column: 1)
            diagnostics.append(problem.diagnostic(at: at, severity: severity))
        }
    }
}
