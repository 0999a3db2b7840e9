import Foundation
import SheenEngine
import SheenModel
import SheenPlanner

/// Why an apply, resume or destroy did not run, in English and Arabic, each with what to do next.
public enum ApplicationError: Error, Sendable {
    /// The plan could not be made (unsatisfiable slot, cycle, unreadable file).
    case plan(PlanError)
    /// A saved plan was made against other state than the store holds now.
    case stateChanged(StoreScope)
    /// Another live run holds the apply lock.
    case lockHeld(LockHeld)
    /// This run lost its lock mid-way and stopped.
    case lockLost(LockLost)
    /// The input has no recipe and so no checklist (a neutral DAG, a saved plan).
    case noChecklist
    case unknownChecklistItem(String, known: [String])
    /// The item's evidence does not accept a person's word.
    case attestationNotAllowed(String)
    case emptyAttestation(String)
    /// A queued run would need a connection declared from environment variables, which workers cannot read.
    case declaredConnectionQueued(String)
    /// `--enqueue` on a store that has no work queue (a file).
    case noWorkQueue

    /// Whether the input itself is wrong (usage), as opposed to state or a lock: exit code 2, not 1.
    public var isUsage: Bool {
        switch self {
        case .noChecklist, .unknownChecklistItem, .attestationNotAllowed, .emptyAttestation, .declaredConnectionQueued,
            .noWorkQueue:
            true
        default: false
        }
    }

    public func message(in language: Language) -> String {
        if case .plan(let error) = self { return error.message(in: language) }
        return message(language)
    }

    public func hint(in language: Language) -> String? { hint?(language) }

    /// The message in both languages (a plan error carries its own wording).
    public var message: LocalizedText {
        switch self {
        case .plan(let error):
            LocalizedText(en: error.message(in: .en), ar: error.message(in: .ar))
        case .stateChanged(let scope):
            t("the state of '\(scope)' changed since this plan was made", "تغيّرت حالة '\(scope)' منذ إعداد هذه الخطة")
        case .lockHeld(let held):
            t(
                held.description,
                "يجري تطبيق '\(held.scope)' بواسطة \(held.lock.holder) منذ \(ISO8601DateFormatter().string(from: held.lock.acquiredAt))"
            )
        case .lockLost(let lost):
            t(
                lost.description,
                "فقد هذا التشغيل قفل التطبيق على '\(lost.scope)' (\(lost.holder.map { "يحمله الآن \($0)" } ?? "لا يحمله أحد الآن"))؛ توقف دون كتابة المزيد"
            )
        case .noChecklist:
            t("only a project or a recipe has an activation checklist", "قائمة التفعيل للمشاريع والوصفات فقط")
        case .unknownChecklistItem(let item, let known):
            t(
                "'\(item)' is not an item of this checklist (items: \(known.joined(separator: ", ")))",
                "'\(item)' ليس بندًا في هذه القائمة (البنود: \(known.joined(separator: "، ")))")
        case .attestationNotAllowed(let item):
            t(
                "'\(item)' cannot be attested by hand: its evidence must come from a step, an event or a probe",
                "لا يمكن الشهادة على '\(item)' يدويًا: يجب أن يأتي دليله من خطوة أو حدث أو فحص")
        case .emptyAttestation(let item):
            t("the evidence for '\(item)' is empty", "دليل '\(item)' فارغ")
        case .declaredConnectionQueued(let reference):
            t(
                "\(reference) is declared in sheen.yaml from environment variables, which workers cannot read",
                "الاتصال \(reference) معرّف في sheen.yaml من متغيرات بيئة لا يستطيع العمّال قراءتها")
        case .noWorkQueue:
            t(
                "--enqueue hands the plan to workers through a shared store, and this store is a file",
                "يسلّم ‎--enqueue الخطة للعمّال عبر مخزن مشترك، وهذا المخزن ملف")
        }
    }

    public var hint: LocalizedText? {
        switch self {
        case .plan:
            nil
        case .noChecklist:
            t(
                "run it in a project directory (sheen.yaml) or pass --recipe",
                "شغّله في مجلد مشروع (sheen.yaml) أو مرّر --recipe")
        case .unknownChecklistItem:
            t("`sheen checklist` lists the items", "يعرض `sheen checklist` البنود")
        case .attestationNotAllowed(let item):
            t(
                "run `sheen checklist` to see what '\(item)' waits on",
                "شغّل `sheen checklist` لترى ما ينتظره '\(item)'")
        case .emptyAttestation:
            t(
                "say what you checked: --evidence \"checked on an iPhone and a Galaxy\", or a file path",
                "اذكر ما تحققت منه: ‎--evidence \"تحققت على آيفون وجالكسي\" أو مسار ملف")
        case .stateChanged:
            t(
                "run 'sheen plan --out' again and review the new plan",
                "شغّل 'sheen plan --out' مجددًا وراجع الخطة الجديدة")
        case .declaredConnectionQueued(let reference):
            t(
                "store it instead: sheen connect \(reference.split(separator: "/").first ?? "") --store … (then workers can use it)",
                "خزّنه بدلًا من ذلك: sheen connect \(reference.split(separator: "/").first ?? "") --store … (ليستخدمه العمّال)"
            )
        case .noWorkQueue:
            t(
                "pass --store postgres://… (or set SHEEN_STORE), the database the workers share",
                "مرّر ‎--store postgres://…‎ (أو عيّن SHEEN_STORE)، قاعدة البيانات التي يتشاركها العمّال")
        case .lockHeld:
            t(
                "wait for that run to finish; no unlock is ever needed",
                "انتظر انتهاء ذلك التشغيل؛ لا حاجة لفك القفل يدويًا")
        case .lockLost:
            t(
                "run 'sheen resume' once the other run is done: steps left in flight are checked before anything is resent",
                "شغّل 'sheen resume' بعد انتهاء التشغيل الآخر: يُتحقق من الخطوات المعلّقة قبل أي إرسال")
        }
    }

    private func t(_ en: String, _ ar: String) -> LocalizedText { LocalizedText(en: en, ar: ar) }
}
