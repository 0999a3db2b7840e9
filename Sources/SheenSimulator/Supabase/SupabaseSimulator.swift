// swift-format-ignore-file: AlwaysUseLowerCamelCase
// Wire types spell fields as Supabase does.

import Foundation
import Hummingbird

/// What the Supabase simulator knows: the organisation's projects, and which of them have Sheen's Arabic search
/// configuration installed.
public struct SupabaseWorld: SimulatorWorld {
    public struct Project: Codable, Sendable {
        public struct Database: Codable, Sendable {
            public var host: String
            public var version: String
        }
        public var id: String
        public var organization_id: String
        public var name: String
        public var region: String
        public var created_at: String
        public var status: String
        public var database: Database
        var created: Date
        var arabicSearch: Bool?
    }

    public var projects: [String: Project] = [:]
    public var ledger: [LedgerEntry] = []

    public init() {}
}

/// A local Supabase Management API (`/v1/projects`, Bearer `sbp_…` tokens, errors as `{"message"}`): a new project
/// is `COMING_UP` and turns `ACTIVE_HEALTHY` `healthyAfter` later; `POST /v1/projects/{ref}/database/query` runs
/// SQL on a healthy project. The simulator has no PostgreSQL behind it: it answers Sheen's own Arabic search
/// statements (install, check, uninstall) from its state and refuses any other SQL; those statements are run
/// against a real PostgreSQL by the test suite instead. Unconfirmed, kept here: the error wording, and the names a
/// new project may not take.
public struct SupabaseSimulator: Sendable {
    public static let accessToken = "sbp_sheensandbox0000000000000000000000000000"
    public static let organization = "sheen-sandbox-org"
    public static let regions = [
        "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "ap-south-1", "ap-southeast-1", "ap-southeast-2",
        "ap-northeast-1", "ap-northeast-2", "us-east-1", "us-east-2", "us-west-1", "ca-central-1", "sa-east-1",
    ]

    public let store: SimulatorStore<SupabaseWorld>
    public let faults: Faults
    public let requests = RequestCounter()
    public let healthyAfter: Duration

    public init(stateFile: String? = nil, faults: Faults = Faults(), healthyAfter: Duration = .milliseconds(200)) throws
    {
        store = try SimulatorStore(file: stateFile, initial: SupabaseWorld())
        self.faults = faults
        self.healthyAfter = healthyAfter
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("v1/projects") { request, _ in
            let body = await SimulatorHTTP.body(request)
            return await handle(request) {
                let project = try await create(body)
                try await faults.afterCommit(path: "/v1/projects")
                return (201, try SimulatorHTTP.encoded(project))
            }
        }
        router.get("v1/projects") { request, _ in
            await handle(request) {
                try await settle()
                let projects = await store.read { $0.projects.values.sorted { $0.created < $1.created } }
                return (200, try SimulatorHTTP.encoded(projects))
            }
        }
        router.get("v1/projects/:ref") { request, context in
            let ref = context.parameters.get("ref") ?? ""
            return await handle(request) {
                try await settle()
                guard let project = await store.read({ $0.projects[ref] }) else { throw SupabaseError.notFound }
                return (200, try SimulatorHTTP.encoded(project))
            }
        }
        router.delete("v1/projects/:ref") { request, context in
            let ref = context.parameters.get("ref") ?? ""
            return await handle(request) {
                let project = try await store.mutate { world -> SupabaseWorld.Project in
                    guard let project = world.projects.removeValue(forKey: ref) else { throw SupabaseError.notFound }
                    world.record("project.deleted", ref, at: Date())
                    return project
                }
                return (200, try SimulatorHTTP.json(["id": project.id, "ref": project.id, "name": project.name]))
            }
        }
        router.post("v1/projects/:ref/database/query") { request, context in
            let ref = context.parameters.get("ref") ?? ""
            let body = await SimulatorHTTP.body(request)
            return await handle(request) { try await query(ref, body) }
        }
        return router
    }

    func create(_ body: Data) async throws -> SupabaseWorld.Project {
        let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        guard let name = object["name"] as? String, (1...256).contains(name.count) else {
            throw SupabaseError(status: 400, message: "name must be a string of 1 to 256 characters")
        }
        guard let organization = object["organization_id"] as? String else {
            throw SupabaseError(status: 400, message: "organization_id is required")
        }
        guard let password = object["db_pass"] as? String, password.count >= 8 else {
            throw SupabaseError(status: 400, message: "db_pass must be at least 8 characters")
        }
        guard let region = object["region"] as? String, Self.regions.contains(region) else {
            throw SupabaseError(
                status: 400,
                message: "region must be one of: \(Self.regions.joined(separator: ", "))")
        }
        guard organization == Self.organization else {
            throw SupabaseError(
                status: 403, message: "You do not have permission to create a project in this organization")
        }
        let date = Date()
        return try await store.mutate { world in
            var ref = ""
            repeat {
                ref = String((0..<20).map { _ in "abcdefghijklmnopqrstuvwxyz".randomElement() ?? "a" })
            } while world.projects[ref] != nil
            let project = SupabaseWorld.Project(
                id: ref, organization_id: organization, name: name, region: region,
                created_at: ISO8601DateFormatter().string(from: date), status: "COMING_UP",
                database: .init(host: "db.\(ref).supabase.co", version: "15.8.1"), created: date)
            world.projects[ref] = project
            world.record("project.created", ref, key: name, at: date)
            return project
        }
    }

    /// Projects whose provisioning time has passed are healthy.
    func settle() async throws {
        let now = Date()
        try await store.mutate { world in
            for (ref, project) in world.projects
            where project.status == "COMING_UP" && now.timeIntervalSince(project.created) >= healthyAfter.seconds {
                world.projects[ref]?.status = "ACTIVE_HEALTHY"
            }
        }
    }

    func query(_ ref: String, _ body: Data) async throws -> (Int, Data) {
        try await settle()
        guard let sql = ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any])?["query"] as? String else {
            throw SupabaseError(status: 400, message: "query is required")
        }
        let statement = SupabaseStatement(sql)
        return try await store.mutate { world in
            guard let project = world.projects[ref] else { throw SupabaseError.notFound }
            guard project.status == "ACTIVE_HEALTHY" else {
                throw SupabaseError(
                    status: 400, message: "Project is not ready to accept queries (status \(project.status))")
            }
            switch statement {
            case .installArabicSearch:
                world.projects[ref]?.arabicSearch = true
                world.record("query.arabic-search-installed", ref, at: Date())
                return (201, Data("[]".utf8))
            case .checkArabicSearch:
                return (201, Data((project.arabicSearch == true ? #"[{"cfgname":"sheen_arabic"}]"# : "[]").utf8))
            case .uninstallArabicSearch:
                world.projects[ref]?.arabicSearch = false
                world.record("query.arabic-search-removed", ref, at: Date())
                return (201, Data("[]".utf8))
            case .other:
                throw SupabaseError(
                    status: 400, message: "the sandbox database runs only Sheen's Arabic search statements")
            }
        }
    }

    func handle(_ request: Request, _ operation: @Sendable () async throws -> (Int, Data)) async -> Response {
        switch await SimulatorHTTP.prelude(faults, requests) {
        case .rateLimited: return SupabaseError(status: 429, message: "Too many requests").response(retryAfter: "1")
        case .dropped: return SimulatorHTTP.dropped()
        case .serverError: return SupabaseError(status: 500, message: "Internal Server Error").response()
        case nil: break
        }
        guard SimulatorHTTP.bearer(request) == Self.accessToken else {
            return SupabaseError(status: 401, message: "Unauthorized").response()
        }
        do {
            let (status, body) = try await operation()
            return SimulatorHTTP.response(status, body)
        } catch let error as SupabaseError {
            return error.response()
        } catch is ConnectionDrop {
            return SimulatorHTTP.dropped()
        } catch {
            return SupabaseError(status: 500, message: "Internal Server Error").response()
        }
    }
}

/// The statements the sandbox database recognises: Sheen's own, by the objects they name.
enum SupabaseStatement {
    case installArabicSearch, checkArabicSearch, uninstallArabicSearch, other

    init(_ sql: String) {
        let text = sql.lowercased()
        if text.contains("create text search configuration public.sheen_arabic") {
            self = .installArabicSearch
        } else if text.contains("drop text search configuration if exists public.sheen_arabic") {
            self = .uninstallArabicSearch
        } else if text.hasPrefix("select cfgname from pg_catalog.pg_ts_config") && text.contains("'sheen_arabic'") {
            self = .checkArabicSearch
        } else {
            self = .other
        }
    }
}

/// Supabase's error body: `{"message"}`.
struct SupabaseError: Error, Sendable {
    var status: Int
    var message: String

    static let notFound = SupabaseError(status: 404, message: "Project not found")

    func response(retryAfter: String? = nil) -> Response {
        SimulatorHTTP.response(
            status, (try? SimulatorHTTP.json(["message": message])) ?? Data(),
            headers: retryAfter.map { ["Retry-After": $0] } ?? [:])
    }
}
