import Foundation
import SheenModel

/// The human plan: summary first, then steps by slot, what was not chosen and why, the critical path, the checklist,
/// the cost preview and the rate budget.
public struct PlanTextRenderer: Sendable {
    public var language: Language
    public var catalog: Catalog?

    public init(language: Language = .en, catalog: Catalog? = nil) {
        self.language = language
        self.catalog = catalog
    }

    private var en: Bool { language == .en }
    private func t(_ english: String, _ arabic: String) -> String { en ? english : arabic }

    public func render(_ plan: Plan) -> String {
        var lines: [String] = []
        lines.append(header(plan))
        lines.append("")
        lines.append(t("Summary", "الملخص"))
        for resolution in plan.resolutions { lines += summary(of: resolution) }
        lines.append("  " + counts(plan))
        if plan.recipe != nil {
            let green = plan.checklist.count(where: \.turnsGreen)
            let needs = plan.checklist.count { $0.applies && !$0.turnsGreen }
            lines.append(
                "  "
                    + t(
                        "checklist: \(green) \(green == 1 ? "item" : "items") will turn green, \(needs) \(needs == 1 ? "needs" : "need") you",
                        "قائمة التفعيل: \(green) من البنود ستصبح خضراء، و\(needs) تحتاج تدخلك"))
        }
        lines.append("")
        lines += steps(plan)
        if plan.recipe != nil {
            lines.append("")
            lines.append(t("Connections", "الاتصالات"))
            lines += connections(plan)
        }
        if !plan.webhooks.isEmpty {
            lines.append("")
            lines.append(t("Webhooks", "الإشعارات"))
            lines += webhooks(plan)
        }
        if !plan.settings.isEmpty {
            lines.append("")
            lines.append(t("Settings the test steps use", "الإعدادات التي تستخدمها خطوات الاختبار"))
            lines += settings(plan)
        }
        let excluded = plan.resolutions.filter { !$0.exclusions.isEmpty }
        if !excluded.isEmpty {
            lines.append("")
            lines.append(t("Not chosen", "لم يُختر"))
            for resolution in excluded {
                let entries = resolution.exclusions.map {
                    "\($0.provider) (\($0.rule.rawValue): \($0.detail(language)))"
                }
                lines.append("  \(resolution.slot): " + entries.joined(separator: "; "))
            }
        }
        if !plan.criticalPath.isEmpty {
            lines.append("")
            lines.append(
                t("Critical path", "المسار الحرج") + " (\(plan.criticalPath.count)): "
                    + plan.criticalPath.joined(separator: " → "))
        }
        if !plan.checklist.isEmpty {
            lines.append("")
            lines.append(t("Checklist", "قائمة التفعيل"))
            lines += checklist(plan)
        }
        if !plan.costs.isEmpty {
            lines.append("")
            lines.append(
                t("Cost preview (list prices; ~ marks an estimate)", "تقدير التكلفة (أسعار معلنة؛ ~ تعني تقديرًا)"))
            lines += costs(plan)
        }
        if !plan.rateBudgets.isEmpty {
            lines.append("")
            lines.append(t("Rate budget", "ميزانية الطلبات"))
            lines += plan.rateBudgets.map(rateBudget)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: Sections

    private func header(_ plan: Plan) -> String {
        let markets = plan.markets.map(\.rawValue).joined(separator: ", ")
        guard let recipe = plan.recipe else {
            return t(
                "Plan for DAG '\(plan.projectName)' (\(plan.steps.count) sheen.data steps)",
                "خطة للرسم '\(plan.projectName)' (\(plan.steps.count) خطوة sheen.data)")
        }
        return t(
            "Plan for \(plan.projectName): \(recipe.name.en) (\(recipe.id)), \(plan.environment.rawValue), markets \(markets)",
            "خطة \(plan.projectName): \(recipe.name.ar) (\(recipe.id))، بيئة \(plan.environment.rawValue)، الأسواق \(markets)"
        )
    }

    private func providerName(_ id: String) -> String { catalog?.providers[id]?.name(language) ?? id }

    private func summary(of resolution: SlotResolution) -> [String] {
        if resolution.disabled {
            return ["  " + t("\(resolution.slot): left out by the project", "\(resolution.slot): مستبعدة في المشروع")]
        }
        var lines: [String] = []
        for assignment in resolution.assignments {
            let markets = assignment.markets.map(\.rawValue).joined(separator: "/")
            let because = assignment.reasons.map { $0(language) }.joined(separator: t(", ", "، "))
            lines.append(
                "  "
                    + t(
                        "\(providerName(assignment.provider)) for \(resolution.slot) in \(markets) because \(because)",
                        "\(providerName(assignment.provider)) لخانة \(resolution.slot) في \(markets) لأن \(because)"))
            for market in assignment.markets {
                guard let host = assignment.hosts[market] else { continue }
                lines.append(
                    "    " + t("\(market.rawValue) calls go to \(host)", "طلبات \(market.rawValue) تذهب إلى \(host)"))
            }
            lines += assignment.notes.map { "    " + t("note: ", "ملاحظة: ") + $0(language) }
        }
        if !resolution.uncoveredMarkets.isEmpty {
            let markets = resolution.uncoveredMarkets.map(\.rawValue).joined(separator: ", ")
            lines.append(
                "  "
                    + t(
                        "\(resolution.slot): not covered in \(markets) (optional)",
                        "\(resolution.slot): غير مغطاة في \(markets) (اختيارية)"))
        }
        return lines
    }

    /// The one-line tally: "14 steps: 12 create, 2 noop; 5 preflight checks; depth 4".
    public func counts(_ plan: Plan) -> String {
        let steps = plan.steps.count
        let parts = StepAction.allCases.compactMap { action -> String? in
            let count = plan.count(action)
            return count == 0 ? nil : "\(count) \(actionName(action))"
        }
        let preflight = plan.nodes.count { $0.role == .preflight }
        return t(
            "\(steps) \(steps == 1 ? "step" : "steps"): \(parts.isEmpty ? "none" : parts.joined(separator: ", ")); \(preflight) preflight \(preflight == 1 ? "check" : "checks"); depth \(plan.depth)",
            "\(steps) من الخطوات: \(parts.isEmpty ? "لا شيء" : parts.joined(separator: "، "))؛ \(preflight) من فحوص ما قبل التنفيذ؛ العمق \(plan.depth)"
        )
    }

    private func actionName(_ action: StepAction) -> String {
        switch (action, language) {
        case (_, .en): action.rawValue
        case (.create, .ar): "إنشاء"
        case (.update, .ar): "تحديث"
        case (.replace, .ar): "استبدال"
        case (.delete, .ar): "حذف"
        case (.noop, .ar): "بلا تغيير"
        }
    }

    private static func symbol(_ action: StepAction?) -> String {
        switch action {
        case .create: "+"
        case .update: "~"
        case .replace: "±"
        case .delete: "-"
        case .noop: "="
        case nil: "?"
        }
    }

    private func steps(_ plan: Plan) -> [String] {
        var lines = [t("Steps", "الخطوات")]
        // Slots in the recipe's order, then the recipe's own steps; topological order inside each group.
        var groups: [(String, [Plan.Node])] = plan.resolutions.map { ($0.slot, []) }
        for node in plan.nodes where node.role != .checklist {
            let group = node.slot ?? (plan.recipe == nil ? "dag" : t("recipe", "الوصفة"))
            if let index = groups.firstIndex(where: { $0.0 == group }) {
                groups[index].1.append(node)
            } else {
                groups.append((group, [node]))
            }
        }
        let width = plan.nodes.map(\.id.count).max() ?? 0
        for (group, nodes) in groups where !nodes.isEmpty {
            lines.append("  \(group)")
            for node in nodes {
                let padded = node.id + String(repeating: " ", count: max(0, width - node.id.count))
                let title = node.title.map { "  " + $0(language) } ?? ""
                if node.role == .preflight {
                    lines.append("    ✓ \(padded)  \(t("check", "فحص"))\(title)")
                } else {
                    let action = node.action.map(actionName) ?? ""
                    let reason = node.reason.map { " (\($0.rawValue))" } ?? ""
                    lines.append("    \(Self.symbol(node.action)) \(padded)  \(action)\(reason)\(title)")
                    if let note = node.note { lines.append("        " + t("waits: ", "ينتظر: ") + note) }
                }
            }
        }
        return lines
    }

    /// Which connection each provider's steps run through (alias only), then the `sheen connect` for each gap.
    private func connections(_ plan: Plan) -> [String] {
        var rows: [(mark: String, reference: String, markets: String, missing: Bool)] = []
        var seen: Set<String> = []
        for node in plan.nodes where node.role == .preflight {
            guard let reference = node.connection, seen.insert(reference).inserted else { continue }
            let missing = plan.missingConnections.contains { "\($0.provider)/\($0.alias)" == reference }
            let markets = plan.steps.first { $0.connection == reference }?.inputs["markets"] ?? ""
            rows.append((missing ? "!" : "✓", reference, markets, missing))
        }
        let width = rows.map(\.reference.count).max() ?? 0
        var lines = rows.map { row in
            let padded = row.reference.padding(toLength: width, withPad: " ", startingAt: 0)
            return "  \(row.mark) \(padded)  \(row.markets)"
                + (row.missing ? "  " + t("not connected", "غير متصل") : "")
        }
        if !plan.missingConnections.isEmpty {
            lines.append("  " + t("to connect:", "للربط:"))
            lines += plan.missingConnections.map { "    " + $0.command }
        }
        return lines
    }

    /// Each setting, its value and who uses it; a missing one says what to write in `sheen.yaml`.
    private func settings(_ plan: Plan) -> [String] {
        let width = plan.settings.map(\.key.rawValue.count).max() ?? 0
        return plan.settings.map { use in
            let key = use.key.rawValue.padding(toLength: width, withPad: " ", startingAt: 0)
            let value =
                switch use.source {
                case .project: use.value.map { Self.shown($0) } ?? ""
                case .sandbox:
                    (use.value.map { Self.shown($0) } ?? "") + " "
                        + t("(sandbox test value)", "(قيمة اختبار للبيئة التجريبية)")
                case .missing: t("(not set)", "(غير مضبوط)")
                }
            let line = "  \(use.source == .missing ? "!" : " ") \(key)  \(value)  \(use.steps.joined(separator: ", "))"
            guard use.source == .missing else { return line }
            return line + "\n      "
                + t(
                    "set \(use.key.rawValue) in sheen.yaml (sheen init writes an example); sandbox connections use a test value",
                    "اضبط \(use.key.rawValue) في sheen.yaml (يكتب sheen init مثالًا)؛ تستخدم اتصالات البيئة التجريبية قيمة اختبار"
                )
        }
    }

    /// An address input (`name|phone|…`) as a person reads it.
    static func shown(_ value: String) -> String {
        value.contains("|") ? value.split(separator: "|").filter { !$0.isEmpty }.joined(separator: ", ") : value
    }

    /// Each connection's receiver URL and who registers it; without `webhooks.public_url`, what to set.
    private func webhooks(_ plan: Plan) -> [String] {
        let width = plan.webhooks.map { $0.provider.count + $0.alias.count + 1 }.max() ?? 0
        var lines: [String] = []
        for endpoint in plan.webhooks {
            let reference = "\(endpoint.provider)/\(endpoint.alias)".padding(
                toLength: width, withPad: " ", startingAt: 0)
            let url =
                endpoint.url.map { $0 + (endpoint.tokenInURL ? "?token=…" : "") }
                ?? t("(no public URL)", "(لا عنوان عام)")
            let how =
                switch endpoint.registration {
                case "api": t("registered by a step", "تسجّله خطوة")
                case "dashboard":
                    t(
                        "register it in the provider's dashboard: sheen webhooks url \(endpoint.provider)",
                        "سجّله في لوحة المزوّد: sheen webhooks url \(endpoint.provider)")
                default: t("sent with each request", "يُرسل مع كل طلب")
                }
            lines.append("  \(reference)  \(url)  \(how)")
        }
        if plan.webhooks.contains(where: { $0.url == nil }) {
            lines.append(
                "  ! "
                    + t(
                        "set webhooks.public_url in sheen.yaml to the https address that reaches 'sheen serve' (providers refuse loopback addresses)",
                        "اضبط webhooks.public_url في sheen.yaml على عنوان https يصل إلى 'sheen serve' (يرفض المزوّدون عناوين الاسترجاع المحلية)"
                    ))
        }
        return lines
    }

    private func checklist(_ plan: Plan) -> [String] {
        var lines: [String] = []
        for entry in plan.checklist {
            if !entry.applies {
                lines.append("  · \(entry.item): \(entry.title(language)) — " + t("does not apply", "لا ينطبق"))
            } else if entry.turnsGreen {
                lines.append(
                    "  ✓ \(entry.item): \(entry.title(language)) ← " + entry.evidencedBy.joined(separator: ", "))
            } else {
                let other = entry.otherEvidence.map(EvidenceName.format).joined(separator: ", ")
                lines.append(
                    "  ! \(entry.item): \(entry.title(language)) — " + t("needs you", "يحتاج تدخلك")
                        + (other.isEmpty ? "" : " (\(other))"))
                lines.append("      " + t("fix: ", "الحل: ") + entry.fix(language))
            }
            for blocker in entry.blockers where entry.applies {
                lines.append("      " + t("blocked: ", "يمنعه: ") + blocker(language))
            }
        }
        return lines
    }

    private func costs(_ plan: Plan) -> [String] {
        let width = plan.costs.map(\.provider.count).max() ?? 0
        var totals: [(CurrencyCode, Int64)] = []
        var lines = plan.costs.map { line -> String in
            let pricing = line.pricing
            var parts = [pricing.monthlyFee.description + t("/month", "/شهريًا")]
            if let percent = pricing.percentPerTransaction {
                parts.append(
                    "+ \(Self.format(percent))%" + (pricing.fixedPerTransaction.map { " + \($0)" } ?? "")
                        + t(" per transaction", " لكل عملية"))
            } else if let fixed = pricing.fixedPerTransaction {
                parts.append("+ \(fixed)" + t(" per transaction", " لكل عملية"))
            }
            if let perUnit = pricing.perUnit { parts.append("+ \(perUnit) / \(pricing.unit ?? "unit")") }
            if let index = totals.firstIndex(where: { $0.0 == pricing.monthlyFee.currency }) {
                totals[index].1 += pricing.monthlyFee.minorUnits
            } else {
                totals.append((pricing.monthlyFee.currency, pricing.monthlyFee.minorUnits))
            }
            let padded = line.provider + String(repeating: " ", count: width - line.provider.count)
            return "  \(pricing.confirmed ? " " : "~") \(padded)  " + parts.joined(separator: " ")
        }
        let total = totals.map { Money(minorUnits: $0.1, currency: $0.0).description }.joined(separator: " + ")
        lines.append("  " + t("monthly fixed: ", "الرسوم الشهرية الثابتة: ") + total)
        return lines
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    private func rateBudget(_ budget: Plan.RateBudget) -> String {
        let calls = t(
            "\(budget.estimatedCalls) calls (est.) for \(budget.steps) \(budget.steps == 1 ? "step" : "steps")",
            "\(budget.estimatedCalls) طلبًا تقديريًا لـ \(budget.steps) من الخطوات")
        guard let limit = budget.limit else {
            return "  \(budget.provider): \(calls), " + t("no published limit", "لا يوجد حد معلن")
        }
        let rate = limit.ratePerSecond
        let rateText = rate >= 1 ? Self.format((rate * 100).rounded() / 100) : String(format: "%.2f", rate)
        let window = limit.perSeconds == 1 ? "" : " (\(limit.requests) / \(Self.format(limit.perSeconds)) s)"
        let unconfirmed = limit.confirmed ? "" : t(", unconfirmed", "، غير مؤكد")
        return "  \(budget.provider): \(calls), ≤ \(rateText) " + t("req/s", "طلب/ث")
            + "\(window) \(t("per", "لكل")) \(limit.scope.rawValue)\(unconfirmed)"
    }
}
