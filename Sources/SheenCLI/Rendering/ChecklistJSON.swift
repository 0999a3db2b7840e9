// swift-format-ignore-file: AlwaysUseLowerCamelCase

import Foundation
import SheenApplication
import SheenEngine
import SheenModel
import SheenPlanner

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
