import Foundation
import SheenApplication
import SheenEngine
import SheenModel
import SheenPlanner

/// `sheen up`'s live lines: the sandbox coming up, the apply's progress, and the checklist as it turns green.
struct UpProgress: Sendable {
    let reporter: ProgressReporter
    let language: Language
    let json: Bool

    func show(_ progress: UpService.Progress) {
        if json {
            if case .execution(let event) = progress { reporter.handle(event) }
            return
        }
        switch progress {
        case .simulators(let count):
            Console.out(CLIMessage.upSimulators(count)(language))
        case .connected(let providers):
            if !providers.isEmpty { Console.out(CLIMessage.upConnected(providers.count)(language)) }
        case .standIns(let domain, let sitePort, let dnsPort):
            Console.out(CLIMessage.upStandIns(domain, sitePort, dnsPort)(language))
        case .planned(let plan):
            Console.out(PlanTextRenderer(language: language).counts(plan))
        case .execution(let event):
            reporter.handle(event)
        case .checklist(let conditions):
            let green = conditions.count(where: \.isGreen)
            let marks = conditions.map { ChecklistText.mark($0.status) }.joined()
            Console.out(CLIMessage.upChecklist(green, conditions.count, marks)(language))
        }
    }
}

/// The summary after `sheen up`: providers and why, what was created, the checklist, and the way to production.
enum UpText {
    static func summary(_ summary: UpService.Summary, sandbox: Bool, language: Language) -> String {
        var lines = [""]
        lines.append(CLIMessage.upProvidersHeader(language))
        for resolution in summary.plan.resolutions where !resolution.assignments.isEmpty {
            for assignment in resolution.assignments {
                let why = assignment.reasons.first.map { " — \($0(language))" } ?? ""
                lines.append("  \(resolution.slot): \(assignment.provider)\(why)")
            }
        }
        lines.append("")
        if let execution = summary.execution {
            lines.append(
                CLIMessage.upCreated(execution.succeeded.count, execution.reconciled.count, execution.calls)(language))
        } else {
            lines.append(CLIMessage.upNothingChanged(language))
        }
        lines.append("")
        lines.append(ChecklistText.render(summary.checklist, language: language))
        lines.append("")
        let seconds =
            Double(summary.elapsed.components.seconds)
            + Double(summary.elapsed.components.attoseconds) / 1e18
        lines.append(CLIMessage.upElapsed(String(format: "%.1f", seconds))(language))
        if sandbox {
            let providers = summary.plan.resolutions.flatMap(\.providers)
            lines.append("")
            lines.append(CLIMessage.upNextForProduction(providers.joined(separator: " "))(language))
        }
        return lines.joined(separator: "\n")
    }
}

// swift-format-ignore: AlwaysUseLowerCamelCase
/// `sheen up --json`'s closing object (the apply's events stream before it as JSON Lines).
