/// The tables of ``ConsoleStore``, in each dialect. Tokens keep only the SHA-256 of their secret; a launch's
/// idempotency key is unique within its project, which is what makes a retried `POST …/launches` start one launch.
enum ConsoleSchema {
    static let sqlite = """
        CREATE TABLE api_projects (name TEXT PRIMARY KEY, body TEXT NOT NULL, created_at REAL NOT NULL);
        CREATE TABLE api_tokens (
            id TEXT PRIMARY KEY, secret_hash TEXT NOT NULL UNIQUE, name TEXT NOT NULL, projects TEXT NOT NULL,
            scopes TEXT NOT NULL, created_at REAL NOT NULL, revoked_at REAL);
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
            project TEXT, target TEXT NOT NULL, correlation_id TEXT);
        CREATE INDEX audit_log_at ON audit_log (at);
        CREATE TABLE launches (
            id INTEGER PRIMARY KEY AUTOINCREMENT, project TEXT NOT NULL, environment TEXT NOT NULL,
            sandbox INTEGER NOT NULL, status TEXT NOT NULL, idempotency_key TEXT, request_hash TEXT NOT NULL,
            created_by TEXT NOT NULL, created_at REAL NOT NULL, finished_at REAL, summary TEXT, error TEXT,
            heartbeat_at REAL NOT NULL, UNIQUE (project, idempotency_key));
        CREATE TABLE launch_events (
            launch_id INTEGER NOT NULL REFERENCES launches (id) ON DELETE CASCADE, sequence INTEGER NOT NULL,
            at REAL NOT NULL, body TEXT NOT NULL, PRIMARY KEY (launch_id, sequence));
        """

    static let postgres = [
        "CREATE TABLE api_projects (name TEXT PRIMARY KEY, body TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL)",
        """
        CREATE TABLE api_tokens (
            id TEXT PRIMARY KEY, secret_hash TEXT NOT NULL UNIQUE, name TEXT NOT NULL, projects TEXT NOT NULL,
            scopes TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL, revoked_at DOUBLE PRECISION)
        """,
        """
        CREATE TABLE audit_log (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at DOUBLE PRECISION NOT NULL, actor TEXT NOT NULL,
            action TEXT NOT NULL, project TEXT, target TEXT NOT NULL, correlation_id TEXT)
        """,
        "CREATE INDEX audit_log_at ON audit_log (at)",
        """
        CREATE TABLE launches (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, project TEXT NOT NULL, environment TEXT NOT NULL,
            sandbox BOOLEAN NOT NULL, status TEXT NOT NULL, idempotency_key TEXT, request_hash TEXT NOT NULL,
            created_by TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL, finished_at DOUBLE PRECISION,
            summary TEXT, error TEXT, heartbeat_at DOUBLE PRECISION NOT NULL, UNIQUE (project, idempotency_key))
        """,
        """
        CREATE TABLE launch_events (
            launch_id BIGINT NOT NULL REFERENCES launches (id) ON DELETE CASCADE, sequence BIGINT NOT NULL,
            at DOUBLE PRECISION NOT NULL, body TEXT NOT NULL, PRIMARY KEY (launch_id, sequence))
        """,
    ]

    /// Scopes and projects are short lists kept as comma-separated text.
    static func list(_ values: [String]) -> String { values.joined(separator: ",") }
    static func split(_ text: String) -> [String] { text.split(separator: ",").map(String.init) }
}
