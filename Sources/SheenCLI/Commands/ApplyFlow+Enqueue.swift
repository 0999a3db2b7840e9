import ArgumentParser
import Foundation
import SheenApplication
import SheenEngine
import SheenModel
import SheenPlanner
import SheenStore

extension ApplyFlow {
    /// `apply --enqueue [--follow]`: plan, confirm, queue for the workers, and optionally watch them.
    func enqueue(follow: Bool) async throws {
        let language = global.language
        let opened = try await engine.open(language: language)
        let (source, catalog) = try savedPlan.map { try savedSource($0) } ?? input.source(global: global)
        var settings = engine.settings
        settings.projectDirectory = nil
        let apply = ApplyService(
            store: opened.state, catalog: catalog, settings: settings,
            connections: ConnectionService.deferred(store: opened.state, catalog: catalog), events: opened.events)
        let json = global.json
        let engine = engine
        let outcome = try await reportingApplicationErrors(language: language) {
            let service = EnqueueService(apply: apply, queue: try EnqueueService.queue(of: opened.state))
            let outcome = try await service.enqueue(source) { plan in
                if !json { Console.out(PlanTextRenderer(language: language).counts(plan)) }
                return try engine.confirm(
                    CLIMessage.confirmApply(scope: "\(source.scope)")(language), language: language)
            }
            return outcome.map { (service, $0) }
        }
        guard let (service, outcome) = outcome else {
            Console.out(CLIMessage.cancelled(language))
            return
        }
        guard case .queued(let id, _, let steps) = outcome else {
            if json {
                Console.out(JSONValue.object(["run": .null, "steps": .int(0)]).compact)
            } else {
                Console.out(CLIMessage.noChanges(language))
            }
            return
        }
        if json {
            Console.out(
                JSONValue.object([
                    "run": .int(Int(id)), "steps": .int(Int(steps)), "scope": .string("\(source.scope)"),
                ]).compact)
        } else {
            Console.out(CLIMessage.queuedRun(id: id, steps: steps, scope: "\(source.scope)")(language))
        }
        guard follow else { return }
        let finished = try await interruptible {
            try await service.follow(id) { _, moved in
                for step in moved where step.status != "blocked" && step.status != "ready" {
                    Console.out(json ? RunJSON.step(step, run: id).compact : RunText.step(step))
                }
            }
        }
        guard let finished else { return }
        let count = { (status: String) in finished.steps.count { $0.status == status } }
        if json {
            Console.out(RunJSON.run(finished).compact)
        } else {
            Console.out(
                CLIMessage.runFinished(
                    id: id, succeeded: finished.status == .succeeded, done: count("succeeded"), failed: count("failed"),
                    skipped: count("skipped"))(language))
        }
        if finished.status != .succeeded { throw ExitCode(ExitStatus.invalidInput) }
    }
}

/// A queued run's steps as lines of text.
enum RunText {
    static func step(_ step: RunProgress.Step) -> String {
        switch step.status {
        case "succeeded": "  ✓ \(step.id)"
        case "failed": "  ✗ \(step.id): \(step.error ?? "")"
        case "skipped": "  – \(step.id) (\(step.error ?? "skipped"))"
        default: "  … \(step.id) \(step.worker.map { "(\($0))" } ?? "")"
        }
    }
}

/// A queued run as JSON Lines.
enum RunJSON {
    static func step(_ step: RunProgress.Step, run: Int64) -> JSONValue {
        .object([
            "type": .string("step"), "run": .int(Int(run)), "id": .string(step.id),
            "status": .string(step.status), "claims": .int(Int(step.claims)), "worker": .optional(step.worker),
            "error": .optional(step.error),
        ])
    }

    static func run(_ run: RunProgress) -> JSONValue {
        .object([
            "type": .string("finished"), "run": .int(Int(run.id)), "scope": .string("\(run.scope)"),
            "status": .string(run.status.rawValue),
            "steps": .object(
                Dictionary(grouping: run.steps, by: \.status).mapValues { .int(Int($0.count)) }),
        ])
    }
}
