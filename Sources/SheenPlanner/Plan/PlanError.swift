import SheenModel

/// Why a plan could not be made, in English and Arabic; every case names what to change.
public enum PlanError: Error, Sendable, Hashable {
    /// A required slot with markets no provider can serve, and what the nearest candidates lack.
    public struct Unfilled: Sendable, Hashable {
        public var slot: String
        public var markets: [CountryCode]
        public var nearest: [LocalizedText]
    }

    case noMarkets
    case unsatisfiable([Unfilled])
    case pinnedProviderIneligible(slot: String, provider: String, market: CountryCode, detail: LocalizedText?)
    case requiredSlotDisabled(slot: String)
    case dependencyCycle([String])
    case dagUnreadable(reason: String)
    case planUnreadable(reason: String)
    case dagDuplicateNode(String)
    case dagUnknownDependency(node: String, dependency: String)

    public func message(in language: Language) -> String {
        let en = language == .en
        switch self {
        case .noMarkets:
            return en
                ? "no markets to plan for: list at least one market (e.g. --market SA)"
                : "لا توجد أسواق للتخطيط: حدّد سوقًا واحدًا على الأقل (مثل ‎--market SA)"
        case .unsatisfiable(let unfilled):
            return unfilled.map { item in
                let markets = item.markets.map(\.rawValue).joined(separator: ", ")
                let nearest = item.nearest.map { $0(language) }.joined(separator: en ? "; " : "؛ ")
                return en
                    ? "slot '\(item.slot)' cannot be filled in \(markets): \(nearest.isEmpty ? "no provider offers its capabilities" : nearest)"
                    : "تعذر ملء الخانة '\(item.slot)' في \(markets): \(nearest.isEmpty ? "لا يوجد مزوّد يقدّم قدراتها" : nearest)"
            }.joined(separator: "\n") + "\n"
                + (en
                    ? "hint: choose other markets, pin a provider that fits, or leave the slot out if it is optional"
                    : "تلميح: اختر أسواقًا أخرى، أو ثبّت مزوّدًا مناسبًا، أو استبعد الخانة إن كانت اختيارية")
        case .pinnedProviderIneligible(let slot, let provider, let market, let detail):
            let why =
                detail.map { ": " + $0(language) }
                ?? (en ? ": it does not offer the slot's capabilities" : ": لا يقدّم قدرات الخانة")
            return en
                ? "pinned provider '\(provider)' cannot fill slot '\(slot)' in \(market)\(why)"
                : "المزوّد المثبّت '\(provider)' لا يستطيع ملء الخانة '\(slot)' في \(market)\(why)"
        case .requiredSlotDisabled(let slot):
            return en
                ? "slot '\(slot)' is required by the recipe and cannot be disabled"
                : "الخانة '\(slot)' مطلوبة في الوصفة ولا يمكن استبعادها"
        case .dependencyCycle(let path):
            return en
                ? "dependency cycle: \(path.joined(separator: " → "))"
                : "اعتماد دائري: \(path.joined(separator: " ← "))"
        case .dagUnreadable(let reason):
            return en ? "cannot read the DAG file: \(reason)" : "تعذرت قراءة ملف الرسم: \(reason)"
        case .planUnreadable(let reason):
            return en ? "cannot read the saved plan: \(reason)" : "تعذرت قراءة الخطة المحفوظة: \(reason)"
        case .dagDuplicateNode(let id):
            return en ? "node '\(id)' appears twice in the DAG file" : "العقدة '\(id)' مكررة في ملف الرسم"
        case .dagUnknownDependency(let node, let dependency):
            return en
                ? "node '\(node)' depends on unknown node '\(dependency)'"
                : "العقدة '\(node)' تعتمد على عقدة غير معروفة '\(dependency)'"
        }
    }
}
