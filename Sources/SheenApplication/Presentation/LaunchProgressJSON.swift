// swift-format-ignore-file: AlwaysUseLowerCamelCase

import Foundation
import SheenEngine
import SheenModel
import SheenPlanner

/// One progress event of a launch as the store keeps it and Server-Sent Events carry it: a `type` and what that type
/// says, never a credential (step failures carry their redacted class and message, as the CLI prints them).
public struct LaunchProgressJSON: Codable, Sendable {
    public struct Item: Codable, Sendable {
        var item: String
        var status: String
        var title: LocalizedText
    }

    public var type: String
    var count: Int?
    var providers: [String]?
    var domain: String?
    var steps: Int?
    var changes: Int?
    var step: String?
    var state: String?
    var attempt: Int?
    var error: String?
    var ok: Bool?
    var green: Int?
    var total: Int?
    var items: [Item]?
    var status: String?
    var ready: Bool?
    var message: LocalizedText?

    init(type: String) { self.type = type }

    public init(_ progress: UpService.Progress) {
        switch progress {
        case .simulators(let count):
            self.init(type: "simulators")
            self.count = count
        case .connected(let providers):
            self.init(type: "connected")
            self.providers = providers
        case .standIns(let domain, _, _):
            self.init(type: "stand-ins")
            self.domain = domain
        case .planned(let plan):
            self.init(type: "planned")
            steps = plan.nodes.count
            changes = plan.nodes.count(where: { ($0.action ?? .noop) != .noop })
        case .execution(let event):
            self.init(execution: event)
        case .checklist(let conditions):
            self.init(type: "checklist")
            green = conditions.count(where: \.isGreen)
            total = conditions.count
            items = conditions.map { Item(item: $0.item, status: $0.status.rawValue, title: $0.title) }
        }
    }

    init(execution event: ExecutionEvent) {
        self.init(type: "step")
        switch event {
        case .started(let total, let toRun):
            type = "apply-started"
            self.total = total
            steps = toRun
        case .stepStarted(let id, _, let attempt):
            (step, state, self.attempt) = (id, "started", attempt)
        case .stepSucceeded(let id, _, let reconciled, _):
            (step, state) = (id, reconciled ? "reconciled" : "succeeded")
        case .stepFailed(let id, let failure):
            (step, state, error) = (id, "failed", failure.description)
        case .stepSkipped(let id, let because):
            (step, state, error) = (id, "skipped", because)
        case .retryScheduled(let id, let attempt, _, let failure):
            (step, state, self.attempt, error) = (id, "retrying", attempt, failure.description)
        case .rateLimited(let id, _):
            (step, state) = (id, "rate-limited")
        case .finished(let report):
            type = "applied"
            ok = report.ok
            steps = report.succeeded.count
        }
    }

    /// The launch's last event.
    public init(finished status: LaunchRecord.Status, ready: Bool, error: LocalizedText?) {
        self.init(type: "finished")
        self.status = status.rawValue
        self.ready = ready
        message = error
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    public var text: String { String(decoding: (try? Self.encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self) }
}
