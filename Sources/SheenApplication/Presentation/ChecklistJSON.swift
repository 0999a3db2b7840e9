// swift-format-ignore-file: AlwaysUseLowerCamelCase

import Foundation
import SheenEngine
import SheenModel
import SheenPlanner

/// `sheen checklist --json`: the conditions in both languages, with stable reasons for programs.
public struct ChecklistJSON: Encodable {
    public struct Item: Encodable {
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

    public init(_ report: ChecklistService.Report) {
        self.init(
            project: report.plan.projectName, environment: report.plan.environment, conditions: report.conditions)
    }

    /// Stored conditions, as the API reads them without judging again.
    public init(project: String, environment: DeploymentEnvironment, conditions: [ChecklistCondition]) {
        self.project = project
        self.environment = environment.rawValue
        ready = !conditions.isEmpty && conditions.allSatisfy(\.isGreen)
        green = conditions.count(where: \.isGreen)
        total = conditions.count
        let formatter = ISO8601DateFormatter()
        items = conditions.map {
            Item(
                item: $0.item, title: $0.title, status: $0.status.rawValue, reason: $0.reason, message: $0.message,
                last_transition: formatter.string(from: $0.lastTransition), evidence: $0.evidence,
                blocked_by: $0.blockedBy, next: $0.next, fix: $0.fix)
        }
    }
}
