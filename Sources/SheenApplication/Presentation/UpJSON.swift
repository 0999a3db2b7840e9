import Foundation
import SheenEngine
import SheenModel
import SheenPlanner

/// A launch's summary as `sheen up --json` and the API show it.
public struct UpJSON: Encodable {
    public struct Provider: Encodable {
        var slot: String
        var provider: String
        var reasons: [LocalizedText]
    }

    var project: String
    var environment: String
    var domain: String?
    var providers: [Provider]
    var succeeded: [String]
    var calls: Int
    var ready: Bool
    var checklist: ChecklistJSON
    var seconds: Double

    public init(_ summary: UpService.Summary) {
        project = summary.plan.projectName
        environment = summary.plan.environment.rawValue
        domain = summary.domain
        providers = summary.plan.resolutions.flatMap { resolution in
            resolution.assignments.map {
                Provider(slot: resolution.slot, provider: $0.provider, reasons: $0.reasons)
            }
        }
        succeeded = summary.execution?.succeeded ?? []
        calls = summary.execution?.calls ?? 0
        ready = summary.checklist.ready
        checklist = ChecklistJSON(summary.checklist)
        seconds =
            Double(summary.elapsed.components.seconds) + Double(summary.elapsed.components.attoseconds) / 1e18
    }
}
