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
                lines.append("    \(condition.message(language))")
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

// swift-format-ignore-file: AlwaysUseLowerCamelCase
/// `sheen checklist --json`: the conditions in both languages, with stable reasons for programs.
struct ChecklistJSON: Encodable {
    struct Item: Encodable {
        var item: String
        var title: LocalizedText
        var status: String
        var reason: String
        var message: LocalizedText
        var last_transition: String
        var evidence: [String]
        var blocked_by: [LocalizedText]
        var next: LocalizedText?
        var fix: LocalizedText
    }

    var project: String
    var environment: String
    var ready: Bool
    var green: Int
    var total: Int
    var items: [Item]

    init(_ report: ChecklistService.Report) {
        project = report.plan.projectName
        environment = report.plan.environment.rawValue
        ready = report.ready
        green = report.conditions.count(where: \.isGreen)
        total = report.conditions.count
        let formatter = ISO8601DateFormatter()
        items = report.conditions.map {
            Item(
                item: $0.item, title: $0.title, status: $0.status.rawValue, reason: $0.reason, message: $0.message,
                last_transition: formatter.string(from: $0.lastTransition), evidence: $0.evidence,
                blocked_by: $0.blockedBy, next: $0.next, fix: $0.fix)
        }
    }
}
