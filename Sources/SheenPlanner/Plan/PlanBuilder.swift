import SheenModel

/// Turns a request (or a neutral DAG) and a state snapshot into a ``Plan``. Pure: no I/O, no clock, no credentials.
public struct PlanBuilder: Sendable {
    public let catalog: Catalog

    public init(catalog: Catalog) {
        self.catalog = catalog
    }

    /// Plans `request` against `state`.
    public func plan(_ request: PlanRequest, state: any StateSnapshot) throws(PlanError) -> Plan {
        let resolutions = try ProviderResolver(catalog: catalog).resolve(request)
        var drafts = GraphDrafts()
        let environment = request.environment

        // Providers once each, in recipe order, with every market and slot they fill.
        var providerOrder: [String] = []
        var providerMarkets: [String: [CountryCode]] = [:]
        var providerSlot: [String: String] = [:]
        var slotSteps: [String: [String]] = [:]
        for resolution in resolutions {
            for assignment in resolution.assignments {
                if providerMarkets[assignment.provider] == nil {
                    providerOrder.append(assignment.provider)
                    providerSlot[assignment.provider] = resolution.slot
                }
                for market in assignment.markets where !(providerMarkets[assignment.provider] ?? []).contains(market) {
                    providerMarkets[assignment.provider, default: []].append(market)
                }
            }
        }
        var evidence: [String: [String]] = [:]
        var missing: [Plan.MissingConnection] = []
        var webhooks: [Plan.WebhookEndpoint] = []
        var settings: [LaunchSettings.Key: Plan.SettingUse] = [:]
        for id in providerOrder {
            guard let provider = catalog.providers[id] else { continue }
            let filled = Set(resolutions.filter { $0.providers.contains(id) }.map(\.slot))
            let steps = provider.provisioning.filter {
                ($0.environments.isEmpty || $0.environments.contains(environment))
                    && ($0.slots.isEmpty || !filled.isDisjoint(with: $0.slots))
            }
            let present = Set(steps.map(\.id))
            let bindings = ConnectionBinding.bind(
                provider: id, markets: providerMarkets[id] ?? [], environment: environment,
                connections: request.connections)
            for binding in bindings where binding.connection == nil {
                missing.append(
                    Plan.MissingConnection(
                        provider: id, environment: environment, alias: binding.alias, markets: binding.markets,
                        fields: provider.auth.credentials.filter { !$0.optional }.map(\.name)))
            }
            // One set of steps per bound connection; ids carry the alias only when a provider has several.
            let suffixed = bindings.count > 1
            var ids: [String] = []
            for binding in bindings {
                let suffix = suffixed ? "@\(binding.alias)" : ""
                let reference = "\(id)/\(binding.alias)"
                let markets = binding.markets
                let preflightID = "preflight.\(id).credentials\(suffix)"
                // Bound to a named alias, the alias is part of the inputs (another account is another resource);
                // the default alias is not, so plans made before connections existed keep their hashes.
                let bound: [String: String] =
                    binding.alias == Connection.defaultAlias ? [:] : ["connection": binding.alias]
                drafts.add(
                    id: preflightID, role: .preflight, kind: "preflight.credentials", slot: providerSlot[id],
                    provider: id,
                    title: LocalizedText(
                        en: "Check \(provider.name.en) credentials for \(environment.rawValue)",
                        ar: "التحقق من بيانات اعتماد \(provider.name.ar) لبيئة \(environment.rawValue)"),
                    dependsOn: [],
                    inputs: [
                        "provider": id, "environment": environment.rawValue,
                        "auth_method": provider.auth.method.rawValue,
                    ].merging(bound) { first, _ in first }, connection: reference)
                let webhookURL = request.receiverURL.map {
                    $0 + Connection.webhookPath(provider: id, alias: binding.alias)
                }
                if let declared = provider.webhooks {
                    webhooks.append(
                        Plan.WebhookEndpoint(
                            provider: id, alias: binding.alias, scheme: declared.scheme.rawValue,
                            registration: declared.registration.rawValue, url: webhookURL,
                            tokenInURL: declared.scheme == .urlToken))
                }
                for step in steps {
                    let nodeID = "\(id).\(step.id)\(suffix)"
                    // A step that waits on the receiver registers the endpoint: it is given the URL to register.
                    let registers = step.dependsOn.contains { $0.id == Self.webhookReceiverStep }
                    let endpoint: [String: String] =
                        registers && provider.webhooks != nil ? webhookURL.map { ["webhook_url": $0] } ?? [:] : [:]
                    // A step that waits on the recipe's domain is given it; in the sandbox, a reserved test name
                    // stands in when the project has none (RFC 2606's `.test`).
                    var extraInputs: [String: String] = [:]
                    if step.dependsOn.contains(where: { $0.id == Self.domainStep }) {
                        if let domain = request.domain {
                            extraInputs["domain"] = domain
                        } else if binding.connection?.sandbox == true {
                            extraInputs["domain"] = "\(request.projectName).test"
                        }
                    }
                    if step.regions {
                        extraInputs["regions"] = RegionRanking.rank(
                            provider.regions, residency: request.residency, markets: request.markets
                        ).map(\.id).joined(separator: ",")
                        if let residency = request.residency {
                            extraInputs["residency"] = RegionRanking.describe(residency)
                        }
                    }
                    if let channel = step.templates {
                        extraInputs["templates"] = TemplateInput.encode(
                            request.recipe.templates.filter { $0.channel == channel })
                    }
                    // Project settings the step needs; a sandbox connection gets test values for any left out.
                    var needed: [String: String] = [:]
                    for key in step.needs {
                        let written = request.launch.value(key)
                        let filled =
                            written == nil && binding.connection?.sandbox == true
                            ? markets.first.flatMap { LaunchSettings.sandboxValue(key, market: $0) } : nil
                        if let value = written ?? filled { needed[key.rawValue] = value }
                        var use =
                            settings[key]
                            ?? Plan.SettingUse(
                                key: key, value: written ?? filled,
                                source: written != nil ? .project : filled != nil ? .sandbox : .missing, steps: [])
                        use.steps.append(nodeID)
                        settings[key] = use
                    }
                    var dependencies = step.dependsOn.compactMap { reference -> String? in
                        if reference.id.hasPrefix("recipe.") { return reference.id }
                        return present.contains(reference.id) ? "\(id).\(reference.id)\(suffix)" : nil
                    }
                    if !step.dependsOn.contains(where: { present.contains($0.id) }) { dependencies.append(preflightID) }
                    drafts.add(
                        id: nodeID, role: .step, kind: step.kind, slot: providerSlot[id], provider: id,
                        title: step.title, dependsOn: dependencies,
                        inputs: [
                            "step": nodeID, "kind": step.kind, "environment": environment.rawValue,
                            "base_url": provider.baseURLs[environment] ?? "",
                            "markets": markets.map(\.rawValue).joined(separator: ","), "project": request.projectName,
                        ].merging(Self.hostInputs(provider, markets: markets)) { first, _ in first }
                            .merging(bound) { first, _ in first }.merging(endpoint) { first, _ in first }
                            .merging(needed) { first, _ in first }.merging(extraInputs) { first, _ in first },
                        outputs: step.outputs, connection: reference)
                    ids.append(nodeID)
                    for item in step.evidences { evidence[item.id, default: []].append(nodeID) }
                }
            }
            for resolution in resolutions where resolution.providers.contains(id) {
                slotSteps[resolution.slot, default: []] += ids
            }
        }
        let recipe = request.recipe
        let recipeSteps = recipe.steps.filter { $0.environments.isEmpty || $0.environments.contains(environment) }
        if let domain = request.domain, recipeSteps.contains(where: { $0.id == "domain" }) {
            drafts.add(
                id: "preflight.domain.dns", role: .preflight, kind: "preflight.dns", slot: nil, provider: nil,
                title: LocalizedText(en: "Check \(domain) resolves", ar: "التحقق من استجابة \(domain) في DNS"),
                dependsOn: [], inputs: ["domain": domain])
        }
        for step in recipeSteps {
            var dependencies: [String] = []
            for reference in step.dependsOn {
                if recipe.steps.contains(where: { $0.id == reference.id }) {
                    dependencies.append("recipe.\(reference.id)")
                } else {
                    dependencies += slotSteps[reference.id] ?? []
                }
            }
            if step.id == "domain", request.domain != nil { dependencies.append("preflight.domain.dns") }
            // Only when set, so plans of projects without one keep their input hashes.
            let receiver: [String: String] =
                "recipe.\(step.id)" == Self.webhookReceiverStep
                ? request.receiverURL.map { ["public_url": $0] } ?? [:] : [:]
            drafts.add(
                id: "recipe.\(step.id)", role: .step, kind: step.kind, slot: nil, provider: nil, title: step.title,
                dependsOn: dependencies,
                inputs: [
                    "step": "recipe.\(step.id)", "kind": step.kind, "environment": environment.rawValue,
                    "project": request.projectName, "domain": request.domain ?? "",
                    "markets": request.markets.map(\.rawValue).joined(separator: ","),
                ].merging(receiver) { first, _ in first }, outputs: step.outputs)
            for item in step.evidences { evidence[item.id, default: []].append("recipe.\(step.id)") }
        }

        var checklist: [Plan.ChecklistEntry] = []
        if let list = catalog.checklists[recipe.checklist.id] {
            for item in list.items {
                let applies = item.conditions.allSatisfy { condition in
                    switch condition {
                    case .slotPresent(let slot): resolutions.contains { $0.slot == slot && !$0.assignments.isEmpty }
                    case .market(let market): request.markets.contains(market)
                    case .environment(let target): target == environment
                    case .servesArabic:
                        request.markets.contains(where: \.isArabicSpeaking)
                            || recipe.templates.contains { $0.variants.contains { $0.language == "ar" } }
                    }
                }
                let evidencedBy =
                    applies && item.evidence.contains(.stepResult) ? (evidence[item.id] ?? []).sorted() : []
                // A recorded verdict against the item (a step's `fix`, with its Arabic `fix_ar`) blocks it.
                let blockers = evidencedBy.compactMap { id -> LocalizedText? in
                    guard let outputs = state.record(for: id)?.outputs, let fix = outputs["fix"] else { return nil }
                    return LocalizedText(en: fix, ar: outputs["fix_ar"] ?? fix)
                }
                checklist.append(
                    Plan.ChecklistEntry(
                        item: item.id, title: item.title, applies: applies, evidencedBy: evidencedBy,
                        otherEvidence: item.evidence.filter { $0 != .stepResult }, fix: item.fix, blockers: blockers))
                if applies {
                    drafts.add(
                        id: "checklist.\(item.id)", role: .checklist, kind: "checklist.item", slot: nil, provider: nil,
                        title: item.title, dependsOn: evidencedBy, inputs: ["item": item.id])
                }
            }
        }

        var nodes = try drafts.build()
        let removed = Self.diff(&nodes, against: state)
        nodes += removed
        let costs = providerOrder.compactMap { id in
            catalog.providers[id]?.pricing.map { Plan.CostLine(provider: id, pricing: $0) }
        }
        return Plan(
            projectName: request.projectName, recipe: Plan.RecipeRef(id: recipe.id, name: recipe.name),
            environment: environment, markets: request.markets,
            currencies: request.currencies, resolutions: resolutions, nodes: nodes,
            criticalPath: GraphDrafts.criticalPath(nodes), checklist: checklist, costs: costs,
            rateBudgets: rateBudgets(nodes, providers: providerOrder, environment: environment),
            stateFingerprint: state.fingerprint, missingConnections: missing, webhooks: webhooks,
            settings: LaunchSettings.Key.allCases.compactMap { settings[$0] })
    }

    /// The recipe step that exposes `sheen serve` to providers; provider steps depending on it register webhooks.
    static let webhookReceiverStep = "recipe.webhook-receiver"
    /// The recipe step that checks the project's domain; provider steps depending on it are given the domain.
    static let domainStep = "recipe.domain"

    /// `market_hosts` (`SA=https://ksa.paymob.com,EG=…`) when a market's calls go to a host of its own; absent
    /// otherwise, so plans of providers without market hosts keep their input hashes.
    static func hostInputs(_ provider: ProviderManifest, markets: [CountryCode]) -> [String: String] {
        let hosts = markets.compactMap { market in provider.marketBaseURLs[market].map { "\(market.rawValue)=\($0)" } }
        return hosts.isEmpty ? [:] : ["market_hosts": hosts.joined(separator: ",")]
    }

    /// Plans a neutral DAG file: every node a `sheen.data` step.
    public func plan(
        dag: NeutralDAG, environment: DeploymentEnvironment = .dev, state: any StateSnapshot
    ) throws(PlanError) -> Plan {
        var drafts = GraphDrafts(capacity: dag.nodes.count)
        for node in dag.nodes {
            drafts.add(
                id: node.id, role: .step, kind: "sheen.data", slot: nil, provider: nil, title: nil,
                dependsOn: node.deps, inputs: ["id": node.id, "deps": node.deps.joined(separator: ",")])
        }
        var nodes = try drafts.build(strict: true)
        nodes += Self.diff(&nodes, against: state)
        return Plan(
            projectName: dag.name, recipe: nil, environment: environment, markets: [], currencies: [], resolutions: [],
            nodes: nodes, criticalPath: GraphDrafts.criticalPath(nodes), checklist: [], costs: [], rateBudgets: [],
            stateFingerprint: state.fingerprint)
    }

    /// Sets each step's action against `state`; returns delete nodes for recorded steps the plan no longer has.
    static func diff(_ nodes: inout [Plan.Node], against state: any StateSnapshot) -> [Plan.Node] {
        var planned = Set<String>()
        for index in nodes.indices where nodes[index].role == .step {
            let node = nodes[index]
            planned.insert(node.id)
            let (action, reason): (StepAction, ActionReason)
            if let record = state.record(for: node.id) {
                // A step that ever succeeded may have a live resource: it converges with an update, never a second
                // create; one that never did is created (the executor observes first where a call may have landed).
                let converge: StepAction = record.created ? .update : .create
                if record.kind != node.kind {
                    (action, reason) = (.replace, .kindChanged)
                } else if record.status == .failed {
                    (action, reason) = (converge, record.waiting ? .waiting : .failedPreviously)
                } else if record.status == .inFlight {
                    (action, reason) = (converge, .interrupted)
                } else if record.status == .skipped || record.status == .pending {
                    (action, reason) = (converge, .skippedPreviously)
                } else if record.inputHash != node.inputHash {
                    (action, reason) = (.update, .inputsChanged)
                } else {
                    (action, reason) = (.noop, .unchanged)
                }
            } else {
                (action, reason) = (.create, .newStep)
            }
            nodes[index].action = action
            nodes[index].reason = reason
            if reason == .waiting { nodes[index].note = state.record(for: node.id)?.note }
        }
        return state.recordedStepIDs.filter { !planned.contains($0) }.compactMap { id in
            guard let record = state.record(for: id) else { return nil }
            return Plan.Node(
                id: id, role: .step, kind: record.kind, slot: nil, provider: nil, title: nil, dependsOn: [], level: 0,
                action: .delete, reason: .notInPlan, inputHash: record.inputHash, inputs: [:], outputs: [])
        }
    }

    private func rateBudgets(
        _ nodes: [Plan.Node], providers: [String], environment: DeploymentEnvironment
    ) -> [Plan.RateBudget] {
        providers.compactMap { id in
            let steps = nodes.filter { $0.provider == id && $0.role == .step && $0.action != .noop }
            guard !steps.isEmpty else { return nil }
            let calls = steps.reduce(0) { $0 + ($1.action == .delete ? 1 : 2) }
            let limits = (catalog.providers[id]?.rateLimits ?? []).filter {
                $0.environments.isEmpty || $0.environments.contains(environment)
            }
            let tightest = limits.min { $0.ratePerSecond < $1.ratePerSecond }
            return Plan.RateBudget(provider: id, steps: steps.count, estimatedCalls: calls, limit: tightest)
        }
    }
}
