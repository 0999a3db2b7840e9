import SheenModel

/// Human-readable views of providers.
enum ProviderText {
    static func table(_ providers: [ProviderManifest], language: Language) -> String {
        guard !providers.isEmpty else {
            return language == .en ? "no provider matches these filters" : "لا يوجد مزوّد يطابق هذه المرشحات"
        }
        let header =
            language == .en
            ? ["ID", "NAME", "CATEGORY", "STATUS", "MARKETS", "CAPABILITIES"]
            : ["المعرّف", "الاسم", "الفئة", "الحالة", "الأسواق", "القدرات"]
        let rows = providers.map { provider in
            [
                provider.id, provider.name(language), provider.category.rawValue, provider.status.rawValue,
                markets(provider.markets, language: language),
                provider.capabilities.map(\.rawValue).joined(separator: ", "),
            ]
        }
        return TextTable(header: header, rows: rows).rendered
    }

    static func markets(_ markets: [CountryCode], language: Language) -> String {
        markets.isEmpty ? (language == .en ? "global" : "عالمي") : markets.map(\.rawValue).joined(separator: ",")
    }

    static func detail(_ provider: ProviderManifest, language: Language) -> String {
        let en = language == .en
        var lines: [String] = []
        func field(_ label: (String, String), _ value: String) {
            lines.append("\(en ? label.0 : label.1): \(value)")
        }
        lines.append("\(provider.name(language)) (\(provider.id))")
        field(("category", "الفئة"), provider.category.rawValue)
        field(("status", "الحالة"), provider.status.rawValue)
        if let docs = provider.docs { field(("docs", "التوثيق"), docs) }
        field(("markets", "الأسواق"), markets(provider.markets, language: language))
        if !provider.currencies.isEmpty {
            field(("currencies", "العملات"), provider.currencies.map(\.rawValue).joined(separator: ", "))
        }
        if let format = provider.amountFormat { field(("amounts", "صيغة المبالغ"), format.rawValue) }
        field(("capabilities", "القدرات"), provider.capabilities.map(\.rawValue).joined(separator: ", "))
        if !provider.paymentMethods.isEmpty {
            lines.append(en ? "payment methods:" : "وسائل الدفع:")
            for method in provider.paymentMethods {
                var restriction: [String] = []
                if !method.markets.isEmpty { restriction.append(method.markets.map(\.rawValue).joined(separator: ",")) }
                if !method.currencies.isEmpty {
                    restriction.append(method.currencies.map(\.rawValue).joined(separator: ","))
                }
                let suffix = restriction.isEmpty ? "" : " (" + restriction.joined(separator: "; ") + ")"
                lines.append("  - \(method.id)\(suffix)")
            }
        }
        if !provider.regions.isEmpty {
            lines.append(en ? "regions:" : "المناطق:")
            for region in provider.regions {
                lines.append("  - \(region.id) [\(region.country)]" + (region.name.map { " " + $0(language) } ?? ""))
            }
        }
        lines.append(
            (en ? "auth: " : "المصادقة: ") + provider.auth.method.rawValue
                + (provider.auth.scheme.map { " — \($0)" } ?? ""))
        for credential in provider.auth.credentials {
            let secret = credential.secret ? (en ? " (secret)" : " (سري)") : ""
            lines.append("  - \(credential.name)\(secret): \(credential.label(language))")
        }
        if !provider.rateLimits.isEmpty {
            lines.append(en ? "rate limits:" : "حدود المعدل:")
            for limit in provider.rateLimits {
                let environments =
                    limit.environments.isEmpty ? "" : " [\(limit.environments.map(\.rawValue).joined(separator: ","))]"
                let endpoint = limit.endpoint.map { " \($0)" } ?? ""
                let unconfirmed = limit.confirmed ? "" : (en ? " (unconfirmed)" : " (غير مؤكد)")
                lines.append(
                    "  - \(limit.requests)/\(formatSeconds(limit.perSeconds)), burst \(limit.burst), per \(limit.scope.rawValue)\(endpoint)\(environments)\(unconfirmed)"
                )
            }
        }
        switch provider.idempotency {
        case .header(let name, let hours, _):
            field(("idempotency", "منع التكرار"), name + (hours.map { ", \($0) h" } ?? ""))
        case .bodyField(let path, _):
            field(("idempotency", "منع التكرار"), en ? "body field \(path)" : "حقل في جسم الطلب \(path)")
        case .observeBeforeCreate:
            field(
                ("idempotency", "منع التكرار"),
                en ? "none; Sheen observes before creating" : "غير مدعوم؛ يتحقق Sheen قبل الإنشاء")
        }
        if let webhooks = provider.webhooks {
            field(
                ("webhooks", "الإشعارات"),
                "\(webhooks.scheme.rawValue), \(webhooks.registration.rawValue): \(webhooks.events.joined(separator: ", "))"
            )
        }
        if !provider.provisioning.isEmpty {
            lines.append(en ? "provisioning steps:" : "خطوات التجهيز:")
            for step in provider.provisioning {
                let dependencies =
                    step.dependsOn.isEmpty ? "" : " ← " + step.dependsOn.map(\.id).joined(separator: ", ")
                lines.append(
                    "  - \(step.id) (\(step.kind))\(dependencies)" + (step.title.map { ": " + $0(language) } ?? ""))
            }
        }
        if let pricing = provider.pricing {
            var parts = [(en ? "monthly " : "شهريًا ") + pricing.monthlyFee.description]
            if let percent = pricing.percentPerTransaction { parts.append("\(percent)%") }
            if let fixed = pricing.fixedPerTransaction { parts.append("+ \(fixed)") }
            if let perUnit = pricing.perUnit { parts.append("\(perUnit) / \(pricing.unit ?? "unit")") }
            let estimate = pricing.confirmed ? "" : (en ? " (estimate)" : " (تقديري)")
            field(("pricing", "التسعير"), parts.joined(separator: " ") + estimate)
        }
        return lines.joined(separator: "\n")
    }

    private static func formatSeconds(_ seconds: Double) -> String {
        seconds == 1 ? "s" : (seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s")
    }
}
