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

    public func message(in language: Language) -> String {
        let en = language == .en
        switch self {
        case .plan(let error):
            return error.message(in: language)
        case .stateChanged(let scope):
            return en
                ? "the state of '\(scope)' changed since this plan was made"
                : "تغيّرت حالة '\(scope)' منذ إعداد هذه الخطة"
        case .lockHeld(let held):
            guard !en else { return held.description }
            let since = ISO8601DateFormatter().string(from: held.lock.acquiredAt)
            return "يجري تطبيق '\(held.scope)' بواسطة \(held.lock.holder) منذ \(since)"
        case .lockLost(let lost):
            guard !en else { return lost.description }
            let holder = lost.holder.map { "يحمله الآن \($0)" } ?? "لا يحمله أحد الآن"
            return "فقد هذا التشغيل قفل التطبيق على '\(lost.scope)' (\(holder))؛ توقف دون كتابة المزيد"
        }
    }

    public func hint(in language: Language) -> String? {
        let en = language == .en
        switch self {
        case .plan: return nil
        case .stateChanged:
            return en
                ? "run 'sheen plan --out' again and review the new plan"
                : "شغّل 'sheen plan --out' مجددًا وراجع الخطة الجديدة"
        case .lockHeld:
            return en
                ? "wait for that run to finish; no unlock is ever needed"
                : "انتظر انتهاء ذلك التشغيل؛ لا حاجة لفك القفل يدويًا"
        case .lockLost:
            return en
                ? "run 'sheen resume' once the other run is done: steps left in flight are checked before anything is resent"
                : "شغّل 'sheen resume' بعد انتهاء التشغيل الآخر: يُتحقق من الخطوات المعلّقة قبل أي إرسال"
        }
    }
}
