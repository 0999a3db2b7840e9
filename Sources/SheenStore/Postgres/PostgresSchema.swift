import Foundation
import PostgresNIO

/// The shared store's schema, as an ordered list of migrations. Each runs once, in its own transaction, recorded in
/// `sheen_migrations`; processes that start together serialise on an advisory lock, so exactly one applies each
/// migration and the others find it applied. New migrations are appended, never edited: a deployed database has run
/// the old text.
///
/// Times are `double precision` seconds since 1970, as in the SQLite file, so a date round-trips exactly; decisions
/// that several machines race for read the database's own clock (``PostgresSchema/now``) instead of theirs.
enum PostgresSchema {
    struct Migration {
        var name: String
        var statements: [String]
    }

    /// An arbitrary constant naming Sheen's migration lock among the database's advisory locks.
    static let migrationLock: Int64 = 0x5348_4545_4E00

    /// The database's clock in the schema's unit. `clock_timestamp()`, not `now()`: a lease or a token bucket judged
    /// inside a long transaction must see the time of the decision, not of `BEGIN`.
    static let now = "extract(epoch FROM clock_timestamp())::double precision"

    static let migrations: [Migration] = [
        Migration(
            name: "v1: journal, leases, breakers, connections, webhook events, checklist",
            statements: [
                """
                CREATE TABLE scopes (
                    project TEXT NOT NULL, environment TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL,
                    fence BIGINT NOT NULL DEFAULT 0,
                    PRIMARY KEY (project, environment))
                """,
                """
                CREATE TABLE steps (
                    project TEXT NOT NULL, environment TEXT NOT NULL, step_id TEXT NOT NULL,
                    kind TEXT NOT NULL, provider TEXT, status TEXT NOT NULL, input_hash TEXT NOT NULL,
                    idempotency_key TEXT NOT NULL, request_fingerprint TEXT NOT NULL, attempts BIGINT NOT NULL,
                    outputs TEXT NOT NULL, external_id TEXT, error_class TEXT, error_message TEXT,
                    level BIGINT NOT NULL, updated_at DOUBLE PRECISION NOT NULL, created BOOLEAN NOT NULL,
                    PRIMARY KEY (project, environment, step_id),
                    FOREIGN KEY (project, environment) REFERENCES scopes (project, environment))
                """,
                """
                CREATE TABLE transitions (
                    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, project TEXT NOT NULL,
                    environment TEXT NOT NULL, step_id TEXT NOT NULL, status TEXT NOT NULL, attempt BIGINT NOT NULL,
                    idempotency_key TEXT NOT NULL, error_class TEXT, at DOUBLE PRECISION NOT NULL,
                    FOREIGN KEY (project, environment) REFERENCES scopes (project, environment))
                """,
                "CREATE INDEX transitions_by_step ON transitions (project, environment, step_id)",
                """
                CREATE TABLE locks (
                    project TEXT NOT NULL, environment TEXT NOT NULL, holder TEXT NOT NULL, pid BIGINT NOT NULL,
                    host TEXT NOT NULL, acquired_at DOUBLE PRECISION NOT NULL, expires_at DOUBLE PRECISION NOT NULL,
                    token BIGINT NOT NULL,
                    PRIMARY KEY (project, environment),
                    FOREIGN KEY (project, environment) REFERENCES scopes (project, environment))
                """,
                "CREATE TABLE breakers (connection TEXT PRIMARY KEY, state TEXT NOT NULL)",
                """
                CREATE TABLE connections (
                    id TEXT PRIMARY KEY, project TEXT NOT NULL, provider TEXT NOT NULL, environment TEXT NOT NULL,
                    alias TEXT NOT NULL, markets TEXT NOT NULL, external_account_id TEXT,
                    sandbox BOOLEAN NOT NULL, base_url TEXT, fields TEXT NOT NULL, problem TEXT,
                    created_at DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL,
                    UNIQUE (project, provider, environment, alias))
                """,
                """
                CREATE TABLE connection_secrets (
                    connection_id TEXT NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
                    field TEXT NOT NULL, slot TEXT NOT NULL, format_version BIGINT NOT NULL,
                    key_id TEXT NOT NULL, wrapped_key BYTEA NOT NULL, ciphertext BYTEA NOT NULL,
                    fingerprint TEXT NOT NULL, set_at DOUBLE PRECISION NOT NULL,
                    PRIMARY KEY (connection_id, field, slot))
                """,
                "CREATE INDEX connection_secrets_by_key ON connection_secrets (key_id)",
                """
                CREATE TABLE webhook_events (
                    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, project TEXT NOT NULL,
                    connection TEXT NOT NULL, provider TEXT NOT NULL, scheme TEXT NOT NULL, type TEXT NOT NULL,
                    event_id TEXT, object_id TEXT, object_status TEXT, occurred_at DOUBLE PRECISION, live BOOLEAN,
                    dedup_key TEXT NOT NULL, status TEXT NOT NULL, attempts BIGINT NOT NULL DEFAULT 0,
                    next_attempt_at DOUBLE PRECISION, last_error TEXT, received_at DOUBLE PRECISION NOT NULL,
                    processed_at DOUBLE PRECISION, headers TEXT NOT NULL, body_format BIGINT, body_key_id TEXT,
                    body_wrapped_key BYTEA, body_ciphertext BYTEA, claimed_until DOUBLE PRECISION,
                    UNIQUE (project, connection, dedup_key))
                """,
                "CREATE INDEX webhook_events_due ON webhook_events (status, next_attempt_at, id)",
                "CREATE INDEX webhook_events_received ON webhook_events (received_at)",
                """
                CREATE TABLE checklist_conditions (
                    project TEXT NOT NULL, environment TEXT NOT NULL, item TEXT NOT NULL, position BIGINT NOT NULL,
                    status TEXT NOT NULL, reason TEXT NOT NULL, last_transition DOUBLE PRECISION NOT NULL,
                    body TEXT NOT NULL,
                    PRIMARY KEY (project, environment, item))
                """,
                """
                CREATE TABLE checklist_attestations (
                    project TEXT NOT NULL, environment TEXT NOT NULL, item TEXT NOT NULL, evidence TEXT NOT NULL,
                    attested_by TEXT NOT NULL, attested_at DOUBLE PRECISION NOT NULL,
                    PRIMARY KEY (project, environment, item))
                """,
            ]),
        Migration(
            name: "v2: shared rate limits and circuit breakers",
            statements: [
                // A bucket's tokens and when they were counted, on the database's clock.
                """
                CREATE TABLE rate_buckets (
                    key TEXT PRIMARY KEY, tokens DOUBLE PRECISION NOT NULL, counted_at DOUBLE PRECISION NOT NULL)
                """,
                """
                CREATE TABLE shared_breakers (
                    connection TEXT PRIMARY KEY, state TEXT NOT NULL, failures BIGINT NOT NULL,
                    open_until DOUBLE PRECISION, probing BOOLEAN NOT NULL)
                """,
                // Takes one token, or answers the seconds until one is there (0 when granted). One call is one
                // statement: the row lock of INSERT … ON CONFLICT serialises racing workers, and the clock is read
                // after the lock is held, so a waiter never counts time another grant already spent.
                """
                CREATE FUNCTION sheen_take_token(bucket TEXT, capacity DOUBLE PRECISION, rate DOUBLE PRECISION)
                RETURNS DOUBLE PRECISION LANGUAGE plpgsql AS $$
                DECLARE
                    held rate_buckets%ROWTYPE;
                    now DOUBLE PRECISION;
                    available DOUBLE PRECISION;
                BEGIN
                    INSERT INTO rate_buckets (key, tokens, counted_at)
                    VALUES (bucket, capacity, extract(epoch FROM clock_timestamp()))
                    ON CONFLICT (key) DO NOTHING;
                    SELECT * INTO held FROM rate_buckets WHERE key = bucket FOR UPDATE;
                    now := extract(epoch FROM clock_timestamp());
                    available := LEAST(capacity, held.tokens + GREATEST(0, now - held.counted_at) * rate);
                    IF available >= 1 THEN
                        UPDATE rate_buckets SET tokens = available - 1, counted_at = GREATEST(now, held.counted_at)
                        WHERE key = bucket;
                        RETURN 0;
                    END IF;
                    UPDATE rate_buckets SET tokens = available, counted_at = GREATEST(now, held.counted_at)
                    WHERE key = bucket;
                    RETURN (1 - available) / rate;
                END $$
                """,
                // CircuitBreaker.beforeCall on the shared row: NULL to allow the call, or the epoch second to retry at.
                """
                CREATE FUNCTION sheen_breaker_before_call(name TEXT, cool_down DOUBLE PRECISION)
                RETURNS DOUBLE PRECISION LANGUAGE plpgsql AS $$
                DECLARE
                    held shared_breakers%ROWTYPE;
                    now DOUBLE PRECISION;
                BEGIN
                    INSERT INTO shared_breakers (connection, state, failures, open_until, probing)
                    VALUES (name, 'closed', 0, NULL, false)
                    ON CONFLICT (connection) DO NOTHING;
                    SELECT * INTO held FROM shared_breakers WHERE connection = name FOR UPDATE;
                    now := extract(epoch FROM clock_timestamp());
                    IF held.state = 'closed' THEN
                        RETURN NULL;
                    ELSIF held.state = 'open' THEN
                        IF now < held.open_until THEN RETURN held.open_until; END IF;
                        UPDATE shared_breakers SET state = 'half_open', probing = true WHERE connection = name;
                        RETURN NULL;
                    ELSIF held.probing THEN
                        RETURN now + cool_down;
                    END IF;
                    UPDATE shared_breakers SET probing = true WHERE connection = name;
                    RETURN NULL;
                END $$
                """,
                // CircuitBreaker.recordSuccess / recordFailure on the shared row.
                """
                CREATE FUNCTION sheen_breaker_record(
                    name TEXT, success BOOLEAN, threshold BIGINT, cool_down DOUBLE PRECISION)
                RETURNS VOID LANGUAGE plpgsql AS $$
                DECLARE
                    now DOUBLE PRECISION := extract(epoch FROM clock_timestamp());
                BEGIN
                    IF success THEN
                        INSERT INTO shared_breakers (connection, state, failures, open_until, probing)
                        VALUES (name, 'closed', 0, NULL, false)
                        ON CONFLICT (connection) DO UPDATE
                        SET state = 'closed', failures = 0, open_until = NULL, probing = false;
                        RETURN;
                    END IF;
                    INSERT INTO shared_breakers AS b (connection, state, failures, open_until, probing)
                    VALUES (name, CASE WHEN threshold <= 1 THEN 'open' ELSE 'closed' END, 1,
                        CASE WHEN threshold <= 1 THEN now + cool_down END, false)
                    ON CONFLICT (connection) DO UPDATE SET
                        state = CASE WHEN b.state <> 'closed' OR b.failures + 1 >= threshold THEN 'open' ELSE 'closed' END,
                        failures = CASE WHEN b.state <> 'closed' OR b.failures + 1 >= threshold THEN b.failures
                            ELSE b.failures + 1 END,
                        open_until = CASE WHEN b.state <> 'closed' OR b.failures + 1 >= threshold THEN now + cool_down
                            ELSE b.open_until END,
                        probing = false;
                END $$
                """,
            ]),
        Migration(
            name: "v3: the work queue of sheen worker",
            statements: [
                // A run holds its scope's apply lock (holder and token) until its last step settles.
                """
                CREATE TABLE runs (
                    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, project TEXT NOT NULL,
                    environment TEXT NOT NULL, plan TEXT NOT NULL, status TEXT NOT NULL,
                    continue_on_error BOOLEAN NOT NULL, holder TEXT NOT NULL, lock_token BIGINT NOT NULL,
                    enqueued_at DOUBLE PRECISION NOT NULL, finished_at DOUBLE PRECISION)
                """,
                // `waiting_on` counts unfinished dependencies; a claim's `token` comes from one sequence, so a
                // reclaim's is always greater than the claim it replaces.
                """
                CREATE TABLE run_steps (
                    run_id BIGINT NOT NULL REFERENCES runs (id) ON DELETE CASCADE, step_id TEXT NOT NULL,
                    waiting_on BIGINT NOT NULL, status TEXT NOT NULL, worker TEXT, token BIGINT,
                    lease_until DOUBLE PRECISION, claimed_at DOUBLE PRECISION, claims BIGINT NOT NULL DEFAULT 0,
                    error TEXT, finished_at DOUBLE PRECISION,
                    PRIMARY KEY (run_id, step_id))
                """,
                "CREATE INDEX run_steps_claimable ON run_steps (status, run_id) WHERE status IN ('ready', 'claimed')",
                "CREATE INDEX run_steps_by_worker ON run_steps (worker) WHERE status = 'claimed'",
                """
                CREATE TABLE run_edges (
                    run_id BIGINT NOT NULL REFERENCES runs (id) ON DELETE CASCADE, step_id TEXT NOT NULL,
                    dependent TEXT NOT NULL,
                    PRIMARY KEY (run_id, step_id, dependent))
                """,
                // Every claim ever made: who ran what when, and how soon an orphaned step was taken over.
                """
                CREATE TABLE claim_log (
                    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, run_id BIGINT NOT NULL, step_id TEXT NOT NULL,
                    worker TEXT NOT NULL, token BIGINT NOT NULL, claimed_at DOUBLE PRECISION NOT NULL)
                """,
                "CREATE INDEX claim_log_by_step ON claim_log (run_id, step_id)",
                "CREATE SEQUENCE claim_tokens",
            ]),
        Migration(name: "v4: API projects, access tokens, audit log, launches", statements: ConsoleSchema.postgres),
    ]
}

extension PostgresStore {
    /// Applies the migrations this database has not run yet.
    func migrate() async throws {
        try await transaction { connection in
            try await connection.run("SELECT pg_advisory_xact_lock(\(PostgresSchema.migrationLock))", logger: logger)
            try await connection.run(
                """
                CREATE TABLE IF NOT EXISTS sheen_migrations (
                    name TEXT PRIMARY KEY, applied_at DOUBLE PRECISION NOT NULL)
                """, logger: logger)
            let applied = Set(
                try await connection.rows("SELECT name FROM sheen_migrations", logger: logger).map {
                    try $0.value("name", as: String.self)
                })
            for migration in PostgresSchema.migrations where !applied.contains(migration.name) {
                for statement in migration.statements {
                    try await connection.run(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.run(
                    "INSERT INTO sheen_migrations (name, applied_at) VALUES (\(migration.name), \(Date().timeIntervalSince1970))",
                    logger: logger)
            }
        }
    }

    /// The migrations this database has applied, oldest first: `sheen state` shows them, and upgrades check them.
    public func appliedMigrations() async throws -> [String] {
        try await rows("SELECT name FROM sheen_migrations ORDER BY applied_at, name").map {
            try $0.value("name", as: String.self)
        }
    }
}
