import Foundation
import PostgresNIO
import SheenEngine
import SheenModel

extension PostgresStore: WorkQueue {
    /// The lease a queued run holds its scope with: it ends when the run does, not by time, so it is set far ahead.
    static let runLease: TimeInterval = 100 * 365 * 86_400

    public func enqueue(
        _ run: QueuedPlan, scope: StoreScope, now: Date, isStale: @Sendable (LockInfo) -> Bool
    ) async throws -> Int64 {
        try await transaction { db in
            // The run's row first, for its id; the scope's lock then names the run (or the whole transaction rolls
            // back with the LockHeld saying who has the scope).
            let id =
                try await db.rows(
                    """
                    INSERT INTO runs (project, environment, plan, status, continue_on_error, holder, lock_token,
                        enqueued_at)
                    VALUES (\(scope.project), \(scope.environment.rawValue), \(run.document), 'running',
                        \(run.continueOnError), '', 0, \(unescaped: PostgresSchema.now))
                    RETURNING id
                    """, logger: logger
                ).first?.value("id", as: Int64.self) ?? 0
            let holder = LockInfo(
                holder: Self.holder(ofRun: id), processID: 0, host: LockInfo.queuedRunHost, acquiredAt: now,
                expiresAt: now.addingTimeInterval(Self.runLease))
            let granted = try await Self.grantLock(scope, to: holder, now: now, isStale: isStale, db, logger)
            try await db.run(
                "UPDATE runs SET holder = \(holder.holder), lock_token = \(granted.token) WHERE id = \(id)",
                logger: logger)
            let ids = run.steps.map(\.id)
            let waiting = run.steps.map { Int64($0.waitsOn.count) }
            try await db.run(
                """
                INSERT INTO run_steps (run_id, step_id, waiting_on, status)
                SELECT \(id), step, waits, CASE WHEN waits = 0 THEN 'ready' ELSE 'blocked' END
                FROM unnest(\(ids)::text[], \(waiting)::bigint[]) AS t(step, waits)
                """, logger: logger)
            let edges = run.steps.flatMap { step in step.waitsOn.map { ($0, step.id) } }
            try await db.run(
                """
                INSERT INTO run_edges (run_id, step_id, dependent)
                SELECT \(id), step, dependent FROM unnest(\(edges.map(\.0))::text[], \(edges.map(\.1))::text[])
                    AS t(step, dependent)
                """, logger: logger)
            if run.steps.isEmpty { try await Self.finish(run: id, db, logger) }
            try await Self.notifyWork(db, logger)
            return id
        }
    }

    public func claim(
        worker: String, limit: Int, lease: Duration, orphansOnly: Bool = false
    ) async throws -> [StepClaim] {
        // SKIP LOCKED: racing workers take different rows instead of queueing on the same ones. A claimed step whose
        // lease lapsed on the database's clock is claimable again (its worker stopped renewing: it died), and is taken
        // before any ready step, so an orphan waits for no queue.
        let rows = try await rows(
            """
            WITH picked AS (
                SELECT run_id, step_id FROM run_steps
                WHERE (status = 'ready' AND NOT \(orphansOnly))
                    OR (status = 'claimed' AND lease_until < \(unescaped: PostgresSchema.now))
                ORDER BY status = 'claimed' DESC, run_id, step_id LIMIT \(Int64(limit))
                FOR UPDATE SKIP LOCKED),
            claimed AS (
                UPDATE run_steps s SET status = 'claimed', worker = \(worker), token = nextval('claim_tokens'),
                    lease_until = \(unescaped: PostgresSchema.now) + \(lease.seconds),
                    claimed_at = \(unescaped: PostgresSchema.now), claims = s.claims + 1
                FROM picked WHERE s.run_id = picked.run_id AND s.step_id = picked.step_id
                RETURNING s.run_id, s.step_id, s.token, s.claims, s.claimed_at),
            logged AS (
                INSERT INTO claim_log (run_id, step_id, worker, token, claimed_at)
                SELECT run_id, step_id, \(worker), token, claimed_at FROM claimed)
            SELECT c.run_id, c.step_id, c.token, c.claims, r.project, r.environment, r.holder, r.lock_token
            FROM claimed c JOIN runs r ON r.id = c.run_id
            ORDER BY c.run_id, c.step_id
            """)
        return try rows.map { row in
            let run = try row.value("run_id", as: Int64.self)
            let environment = try row.value("environment", as: String.self)
            return StepClaim(
                run: run, stepID: try row.value("step_id"),
                scope: StoreScope(
                    project: try row.value("project"), environment: DeploymentEnvironment(rawValue: environment) ?? .dev
                ),
                worker: worker,
                fence: LockFence(
                    holder: try row.value("holder"), token: try row.value("lock_token"),
                    claim: ClaimFence(run: run, token: try row.value("token"))),
                reclaimed: try row.value("claims", as: Int64.self) > 1)
        }
    }

    public func heartbeat(_ claims: [StepClaim], lease: Duration) async throws -> Set<StepClaim.Key> {
        guard !claims.isEmpty else { return [] }
        let rows = try await rows(
            """
            UPDATE run_steps s SET lease_until = \(unescaped: PostgresSchema.now) + \(lease.seconds)
            FROM unnest(\(claims.map(\.run))::bigint[], \(claims.map(\.stepID))::text[],
                \(claims.map { $0.fence.claim?.token ?? 0 })::bigint[]) AS held(run_id, step_id, token)
            WHERE s.run_id = held.run_id AND s.step_id = held.step_id AND s.token = held.token
                AND s.status = 'claimed'
            RETURNING s.run_id, s.step_id
            """)
        return Set(try rows.map { StepClaim.Key(run: try $0.value("run_id"), stepID: try $0.value("step_id")) })
    }

    public func release(_ claims: [StepClaim]) async throws {
        guard !claims.isEmpty else { return }
        try await transaction { db in
            try await Self.notifyWork(db, logger)
            try await db.run(
                """
                UPDATE run_steps s SET status = 'ready', worker = NULL, lease_until = NULL
                FROM unnest(\(claims.map(\.run))::bigint[], \(claims.map(\.stepID))::text[],
                    \(claims.map { $0.fence.claim?.token ?? 0 })::bigint[]) AS held(run_id, step_id, token)
                WHERE s.run_id = held.run_id AND s.step_id = held.step_id AND s.token = held.token
                    AND s.status = 'claimed'
                """, logger: logger)
        }
    }

    public func complete(_ claim: StepClaim, outcome: StepClaim.Outcome) async throws -> Bool {
        guard let token = claim.fence.claim?.token else { return false }
        return try await transaction { db in
            // The run's row first: completions of one run queue here, so exactly one of them sees the run finish.
            let continueOnError =
                try await db.rows(
                    "SELECT continue_on_error FROM runs WHERE id = \(claim.run) FOR UPDATE", logger: logger
                ).first?.value("continue_on_error", as: Bool.self) ?? true
            let (status, error): (String, String?) =
                switch outcome {
                case .succeeded: ("succeeded", nil)
                case .failed(let message): ("failed", message)
                }
            let settled = try await db.run(
                """
                UPDATE run_steps SET status = \(status), error = \(error), lease_until = NULL,
                    finished_at = \(unescaped: PostgresSchema.now)
                WHERE run_id = \(claim.run) AND step_id = \(claim.stepID) AND token = \(token)
                    AND status = 'claimed'
                RETURNING 1
                """, logger: logger)
            guard settled > 0 else { return false }
            if case .failed = outcome {
                let reason = "'\(claim.stepID)' failed"
                try await db.run(
                    """
                    WITH RECURSIVE below(step_id) AS (
                        SELECT dependent FROM run_edges WHERE run_id = \(claim.run) AND step_id = \(claim.stepID)
                        UNION
                        SELECT e.dependent FROM run_edges e JOIN below b ON e.step_id = b.step_id
                        WHERE e.run_id = \(claim.run))
                    UPDATE run_steps SET status = 'skipped', error = \(reason),
                        finished_at = \(unescaped: PostgresSchema.now)
                    WHERE run_id = \(claim.run) AND status = 'blocked' AND step_id IN (SELECT step_id FROM below)
                    """, logger: logger)
                if !continueOnError {
                    // As the executor does without --continue-on-error: nothing new starts after a failure.
                    try await db.run(
                        """
                        UPDATE run_steps SET status = 'skipped', error = \(reason),
                            finished_at = \(unescaped: PostgresSchema.now)
                        WHERE run_id = \(claim.run) AND status IN ('blocked', 'ready')
                        """, logger: logger)
                }
            } else {
                try await db.run(
                    """
                    UPDATE run_steps SET waiting_on = waiting_on - 1,
                        status = CASE WHEN waiting_on = 1 AND status = 'blocked' THEN 'ready' ELSE status END
                    WHERE run_id = \(claim.run) AND step_id IN (
                        SELECT dependent FROM run_edges WHERE run_id = \(claim.run) AND step_id = \(claim.stepID))
                    """, logger: logger)
            }
            let open = try await db.run(
                """
                SELECT 1 FROM run_steps
                WHERE run_id = \(claim.run) AND status IN ('blocked', 'ready', 'claimed') LIMIT 1
                """, logger: logger)
            if open == 0 { try await Self.finish(run: claim.run, db, logger) }
            try await Self.notifyWork(db, logger)
            return true
        }
    }

    public func plan(ofRun run: Int64) async throws -> String {
        try await rows("SELECT plan FROM runs WHERE id = \(run)").first?.value("plan", as: String.self) ?? ""
    }

    public func run(_ id: Int64) async throws -> RunProgress? {
        guard let run = try await rows("SELECT project, environment, status FROM runs WHERE id = \(id)").first
        else { return nil }
        let steps = try await rows(
            "SELECT step_id, status, claims, worker, error FROM run_steps WHERE run_id = \(id) ORDER BY step_id"
        ).map { row in
            RunProgress.Step(
                id: try row.value("step_id"), status: try row.value("status"),
                claims: Int(try row.value("claims", as: Int64.self)), worker: try row.value("worker"),
                error: try row.value("error"))
        }
        return RunProgress(
            id: id,
            scope: StoreScope(
                project: try run.value("project"),
                environment: DeploymentEnvironment(rawValue: try run.value("environment", as: String.self)) ?? .dev),
            status: RunProgress.Status(rawValue: try run.value("status", as: String.self)) ?? .running, steps: steps)
    }

    /// The claims of a run's steps, oldest first: who claimed each step when (database time).
    public func claimHistory(ofRun run: Int64) async throws -> [(stepID: String, worker: String, at: Date)] {
        try await rows(
            "SELECT step_id, worker, claimed_at FROM claim_log WHERE run_id = \(run) ORDER BY claimed_at, id"
        ).map { (try $0.value("step_id"), try $0.value("worker"), try $0.date("claimed_at")) }
    }

    public func workSignal() -> WorkSignal? {
        listener.start(client: client, logger: logger)
        return listener.signal
    }

    /// Tells listening workers that steps may be ready; delivered when the transaction commits.
    static func notifyWork(_ db: PostgresConnection, _ logger: Logger) async throws {
        try await db.run("SELECT pg_notify(\(WorkListener.channel), '')", logger: logger)
    }

    /// The apply-lock holder a queued run's steps write as.
    static func holder(ofRun id: Int64) -> String { "queued run \(id)" }

    /// Ends a run whose steps have all settled, and gives its scope back.
    private static func finish(run: Int64, _ db: PostgresConnection, _ logger: Logger) async throws {
        try await db.run(
            """
            UPDATE runs SET finished_at = \(unescaped: PostgresSchema.now),
                status = CASE WHEN EXISTS (
                    SELECT 1 FROM run_steps WHERE run_id = \(run) AND status IN ('failed', 'skipped'))
                    THEN 'failed' ELSE 'succeeded' END
            WHERE id = \(run)
            """, logger: logger)
        try await db.run(
            """
            DELETE FROM locks USING runs
            WHERE runs.id = \(run) AND locks.project = runs.project AND locks.environment = runs.environment
                AND locks.holder = runs.holder
            """, logger: logger)
    }
}
