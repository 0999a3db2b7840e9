import Foundation
import SheenEngine
import SheenModel
import SheenPlanner

/// `sheen apply --enqueue`: plans as `apply` does, then hands the plan to the workers instead of running it here, and
/// follows the run if asked.
public struct EnqueueService: Sendable {
    public enum Outcome: Sendable {
        case noChanges(Plan)
        /// Queued as run `id`: `steps` of the plan need a call. (`nil` from ``enqueue(_:confirm:)``: declined.)
        case queued(id: Int64, plan: Plan, steps: Int)
    }

    public let apply: ApplyService
    public let queue: any WorkQueue

    public init(apply: ApplyService, queue: any WorkQueue) {
        self.apply = apply
        self.queue = queue
    }

    /// The store's work queue, or ``ApplicationError/noWorkQueue`` for a store without one.
    public static func queue(of store: any StateStore) throws(ApplicationError) -> any WorkQueue {
        guard let queue = store as? any WorkQueue else { throw .noWorkQueue }
        return queue
    }

    /// Plans `source` and, once `confirm` agrees (it is not asked when nothing changes), queues the plan.
    public func enqueue(
        _ source: PlanSource, confirm: @Sendable (Plan) async throws -> Bool = { _ in true }
    ) async throws -> Outcome? {
        let scope = source.scope
        let (source, bound) = try await apply.bindingConnections(source)
        // A worker reads credentials from the store; variables of this shell never reach it.
        if let declared = bound.first(where: { $0.origin == .declared }) {
            throw ApplicationError.declaredConnectionQueued(declared.reference)
        }
        let snapshot = try await apply.store.snapshot(scope)
        let plan = try source.plan(catalog: apply.catalog, state: snapshot)
        guard plan.hasChanges else { return .noChanges(plan) }
        guard try await confirm(plan) else { return nil }
        let steps = QueuedPlan.steps(of: plan, deletedLevels: snapshot.states.mapValues(\.level))
        let queued = QueuedPlan(
            document: PlanDocument(plan).json.compact, steps: steps, continueOnError: apply.settings.continueOnError)
        do {
            let id = try await queue.enqueue(queued, scope: scope, now: Date(), isStale: ApplyLock.isStale)
            return .queued(id: id, plan: plan, steps: steps.count)
        } catch let held as LockHeld {
            throw ApplicationError.lockHeld(held)
        }
    }

    /// Polls run `id` every `interval` until it finishes, telling `changed` about each step whose status moved.
    public func follow(
        _ id: Int64, every interval: Duration = .milliseconds(500),
        changed: @Sendable (RunProgress, [RunProgress.Step]) -> Void
    ) async throws -> RunProgress? {
        var seen: [String: String] = [:]
        while true {
            guard let progress = try await queue.run(id) else { return nil }
            let moved = progress.steps.filter { seen[$0.id] != $0.status }
            for step in moved { seen[step.id] = step.status }
            if !moved.isEmpty { changed(progress, moved) }
            if progress.isFinished { return progress }
            try await Task.sleep(for: interval)
        }
    }
}
