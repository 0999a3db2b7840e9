import Foundation
import SheenApplication
import SheenEngine
import SheenModel
import SheenPlanner

/// The checklist as a doctor prints it: ✓ green, ✗ red, … not known yet; blocking items first, each with what blocks
/// it and the exact next action.
enum ChecklistText {
    static func render(_ report: ChecklistService.Report, language: Language) -> String {
        let conditions = report.conditions
        guard !conditions.isEmpty else { return CLIMessage.checklistEmpty(language) }
        var lines: [String] = []
        let order = report.blocking + conditions.filter(\.isGreen)
        for condition in order {
            lines.append("\(mark(condition.status)) \(condition.title(language))  [\(condition.item)]")
            if condition.isGreen {
                // The evidence itself says more than "it holds": which step, which event, which probe.
                let shown = condition.evidence.isEmpty ? [condition.message(language)] : condition.evidence
                for line in shown { lines.append("    \(line)") }
                continue
            }
            for blocker in condition.blockedBy { lines.append("    \(blocker(language))") }
            if let next = condition.next { lines.append("    → \(next(language))") }
        }
        let green = conditions.count(where: \.isGreen)
        lines.append("")
        lines.append(
            report.ready
                ? CLIMessage.checklistReady(conditions.count)(language)
                : CLIMessage.checklistNotReady(green, conditions.count)(language))
        return lines.joined(separator: "\n")
    }

    static func mark(_ status: ChecklistCondition.Status) -> String {
        switch status {
        case .true: "✓"
        case .false: "✗"
        case .unknown: "…"
        }
    }
}
