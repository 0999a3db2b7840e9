import SheenModel

/// The words the listings use (headers, field names, flags), in English and Arabic, one case each: the renderers'
/// counterpart of `CLIMessage`.
enum Label: CaseIterable {
    case providersHeader, recipesHeader, stateHeader, eventsHeader
    case noProviderMatches, global
    case category, status, docs, markets, currencies, amounts, capabilities, paymentMethods, regions, auth, secret
    case rateLimits, unconfirmed, idempotency, bodyField, observeBeforeCreate, webhooks, provisioningSteps, pricing
    case monthly, estimate, sources
    case slots, optional, perMarket, residency, needs, candidates, comingSoon, steps, templates, checklist

    var text: LocalizedText {
        switch self {
        case .providersHeader:
            t("ID|NAME|CATEGORY|STATUS|MARKETS|CAPABILITIES", "المعرّف|الاسم|الفئة|الحالة|الأسواق|القدرات")
        case .recipesHeader: t("ID|NAME|MARKETS|SLOTS", "المعرّف|الاسم|الأسواق|الخانات")
        case .eventsHeader:
            t(
                "ID|CONNECTION|TYPE|STATUS|ATTEMPTS|RECEIVED|LAST ERROR",
                "الرقم|الاتصال|النوع|الحالة|المحاولات|الاستلام|آخر خطأ")
        case .stateHeader: t("STEP|STATUS|ATTEMPTS|KIND|UPDATED", "الخطوة|الحالة|المحاولات|النوع|آخر تحديث")
        case .noProviderMatches: t("no provider matches these filters", "لا يوجد مزوّد يطابق هذه المرشحات")
        case .global: t("global", "عالمي")
        case .category: t("category", "الفئة")
        case .status: t("status", "الحالة")
        case .docs: t("docs", "التوثيق")
        case .markets: t("markets", "الأسواق")
        case .currencies: t("currencies", "العملات")
        case .amounts: t("amounts", "صيغة المبالغ")
        case .capabilities: t("capabilities", "القدرات")
        case .paymentMethods: t("payment methods", "وسائل الدفع")
        case .regions: t("regions", "المناطق")
        case .auth: t("auth", "المصادقة")
        case .secret: t("secret", "سري")
        case .rateLimits: t("rate limits", "حدود المعدل")
        case .unconfirmed: t("unconfirmed", "غير مؤكد")
        case .idempotency: t("idempotency", "منع التكرار")
        case .bodyField: t("body field", "حقل في جسم الطلب")
        case .observeBeforeCreate: t("none; Sheen observes before creating", "غير مدعوم؛ يتحقق Sheen قبل الإنشاء")
        case .webhooks: t("webhooks", "الإشعارات")
        case .provisioningSteps: t("provisioning steps", "خطوات التجهيز")
        case .pricing: t("pricing", "التسعير")
        case .monthly: t("monthly", "شهريًا")
        case .estimate: t("estimate", "تقديري")
        case .sources: t("sources", "المصادر")
        case .slots: t("slots", "الخانات")
        case .optional: t("optional", "اختياري")
        case .perMarket: t("per market", "لكل سوق")
        case .residency: t("residency", "إقامة البيانات")
        case .needs: t("needs", "يحتاج")
        case .candidates: t("candidates", "المرشحون")
        case .comingSoon: t("coming soon", "قريبًا")
        case .steps: t("steps", "الخطوات")
        case .templates: t("message templates", "قوالب الرسائل")
        case .checklist: t("checklist", "قائمة التفعيل")
        }
    }

    func callAsFunction(_ language: Language) -> String { text(language) }

    /// A header row: the cells of a `|`-separated label.
    func columns(_ language: Language) -> [String] { text(language).split(separator: "|").map(String.init) }

    private func t(_ en: String, _ ar: String) -> LocalizedText { LocalizedText(en: en, ar: ar) }
}
