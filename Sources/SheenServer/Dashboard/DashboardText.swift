import Foundation
import SheenModel

/// The dashboard's words, in both languages; templates read them as `t.<key>`.
enum DashboardText {
    static let strings: [String: LocalizedText] = [
        "brand": .init(en: "Sheen", ar: "شين"),
        "skip": .init(en: "Skip to the content", ar: "انتقل إلى المحتوى"),
        "nav": .init(en: "Main", ar: "القائمة الرئيسية"),
        "logout": .init(en: "Sign out", ar: "تسجيل الخروج"),
        "loginTitle": .init(en: "Sign in", ar: "تسجيل الدخول"),
        "loginIntro": .init(
            en: "Paste an API token. Make one with: sheen tokens create --name dashboard --project '*'",
            ar: "الصق رمز واجهة برمجة. أنشئ واحدًا بالأمر: sheen tokens create --name dashboard --project '*'"),
        "token": .init(en: "API token", ar: "رمز الواجهة البرمجية"),
        "signIn": .init(en: "Sign in", ar: "دخول"),
        "badToken": .init(
            en: "That token is not valid, or was revoked.", ar: "هذا الرمز غير صالح أو أُلغي."),
        "projects": .init(en: "Projects", ar: "المشاريع"),
        "noProjects": .init(en: "No projects yet: start one below.", ar: "لا مشاريع بعد: ابدأ واحدًا أدناه."),
        "newProject": .init(en: "Start a project", ar: "ابدأ مشروعًا"),
        "name": .init(en: "Project name", ar: "اسم المشروع"),
        "nameHint": .init(
            en: "Lower-case letters, digits and hyphens (souq-sa).", ar: "أحرف لاتينية صغيرة وأرقام وشرطات (souq-sa)."),
        "recipe": .init(en: "Recipe", ar: "الوصفة"),
        "markets": .init(en: "Markets", ar: "الأسواق"),
        "marketsHint": .init(
            en: "None ticked: the recipe's own markets.", ar: "إن لم تختر شيئًا: أسواق الوصفة نفسها."),
        "domain": .init(en: "Domain (optional)", ar: "النطاق (اختياري)"),
        "publicURL": .init(en: "Public URL for webhooks (optional)", ar: "العنوان العام للإشعارات (اختياري)"),
        "publicURLHint": .init(
            en: "The https address that reaches this server; needed to launch for real, not in the sandbox.",
            ar: "عنوان https الذي يصل إلى هذا الخادم؛ يلزم للإطلاق الفعلي لا لبيئة الاختبار."),
        "create": .init(en: "Create and see the plan", ar: "أنشئ واعرض الخطة"),
        "plan": .init(en: "Plan", ar: "الخطة"),
        "providers": .init(en: "Providers and why", ar: "المزوّدون ولماذا"),
        "slot": .init(en: "Slot", ar: "الخانة"),
        "provider": .init(en: "Provider", ar: "المزوّد"),
        "why": .init(en: "Why", ar: "السبب"),
        "steps": .init(en: "Steps", ar: "الخطوات"),
        "step": .init(en: "Step", ar: "الخطوة"),
        "action": .init(en: "Action", ar: "الإجراء"),
        "cost": .init(en: "Monthly cost", ar: "التكلفة الشهرية"),
        "perTransaction": .init(en: "per transaction", ar: "لكل معاملة"),
        "total": .init(en: "Total", ar: "المجموع"),
        "connections": .init(en: "Connections", ar: "الاتصالات"),
        "noConnections": .init(
            en: "No connections yet. A sandbox launch connects the simulators by itself.",
            ar: "لا اتصالات بعد. الإطلاق في بيئة الاختبار يتصل بالمحاكيات تلقائيًا."),
        "health": .init(en: "Errors in the last 24 h", ar: "أخطاء آخر 24 ساعة"),
        "healthy": .init(en: "healthy", ar: "سليم"),
        "unhealthy": .init(en: "needs attention", ar: "يحتاج إلى انتباه"),
        "connect": .init(en: "Connect", ar: "اتصل"),
        "connectTitle": .init(en: "Connect a provider", ar: "اربط مزوّدًا"),
        "launch": .init(en: "Launch", ar: "الإطلاق"),
        "launchSandbox": .init(en: "Launch in the sandbox", ar: "أطلق في بيئة الاختبار"),
        "launchReal": .init(en: "Launch for real", ar: "أطلق فعليًا"),
        "launchHint": .init(
            en: "The sandbox runs every provider's simulator on this server: nothing to sign up for.",
            ar: "تشغّل بيئة الاختبار محاكي كل مزوّد على هذا الخادم: لا حاجة إلى أي تسجيل."),
        "progress": .init(en: "Progress", ar: "التقدّم"),
        "checklist": .init(en: "Activation checklist", ar: "قائمة التفعيل"),
        "notJudged": .init(
            en: "Not judged yet: launch to see it turn green.", ar: "لم تُقيَّم بعد: أطلق المشروع لتراها تخضرّ."),
        "green": .init(en: "green", ar: "مكتمل"),
        "ready": .init(en: "Every item is green.", ar: "كل البنود مكتملة."),
        "deadLetters": .init(en: "Dead letters", ar: "الرسائل المتعذّرة"),
        "noDeadLetters": .init(en: "No dead-lettered webhooks.", ar: "لا إشعارات متعذّرة."),
        "replay": .init(en: "Replay", ar: "أعد المعالجة"),
        "event": .init(en: "Event", ar: "الحدث"),
        "type": .init(en: "Type", ar: "النوع"),
        "reason": .init(en: "Last error", ar: "آخر خطأ"),
        "status": .init(en: "Status", ar: "الحالة"),
        "True": .init(en: "green", ar: "مكتمل"),
        "False": .init(en: "blocked", ar: "متوقف"),
        "Unknown": .init(en: "waiting", ar: "بانتظار"),
        "queued": .init(en: "queued", ar: "في الانتظار"),
        "running": .init(en: "running", ar: "قيد التشغيل"),
        "succeeded": .init(en: "succeeded", ar: "نجح"),
        "failed": .init(en: "failed", ar: "فشل"),
        "launchNumber": .init(en: "Launch", ar: "الإطلاق رقم"),
        "language": .init(en: "العربية", ar: "English"),
        "error": .init(en: "Something needs fixing", ar: "شيء يحتاج إلى إصلاح"),
        "replayed": .init(en: "Queued again.", ar: "أُعيد إلى الطابور."),
        "connected": .init(en: "Connected; the credentials are sealed.", ar: "تم الاتصال؛ بيانات الاعتماد مختومة."),
        "progress.simulators": .init(en: "simulators started", ar: "بدأت المحاكيات"),
        "progress.connected": .init(en: "connected to the simulators", ar: "تم الاتصال بالمحاكيات"),
        "progress.stand-ins": .init(
            en: "DNS, HTTPS and the Arabic page stand in", ar: "بدائل النطاق وHTTPS والصفحة العربية جاهزة"),
        "progress.planned": .init(en: "planned", ar: "اكتملت الخطة"),
        "progress.apply-started": .init(en: "applying", ar: "بدأ التنفيذ"),
        "progress.step": .init(en: "step", ar: "خطوة"),
        "progress.applied": .init(en: "applied", ar: "اكتمل التنفيذ"),
        "progress.checklist": .init(en: "checklist", ar: "قائمة التفعيل"),
        "progress.finished": .init(en: "finished:", ar: "انتهى:"),
    ]

    /// `t` for templates: every key in `language`.
    static func table(_ language: Language) -> [String: String] { strings.mapValues { $0(language) } }

    /// The launch progress words the page's script uses, by event type, as JSON.
    static func progressLabels(_ language: Language) -> String {
        var labels: [String: String] = [:]
        for (key, text) in strings where key.hasPrefix("progress.") {
            labels[String(key.dropFirst(9))] = text(language)
        }
        let data = (try? JSONSerialization.data(withJSONObject: labels, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
