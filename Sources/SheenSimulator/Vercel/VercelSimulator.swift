// swift-format-ignore-file: AlwaysUseLowerCamelCase
// Wire types spell fields as Vercel does.

import Foundation
import Hummingbird

/// What the Vercel simulator knows: projects and the domains attached to them. Unconfirmed, kept here in one place:
/// the exact answer fields beyond `id`, `name`, `verified` and `verification`, the error codes, and the API versions
/// in the paths (`v11` for projects and `v10` for domains to create, `v9` to read and delete).
public struct VercelWorld: SimulatorWorld {
    public struct Project: Codable, Sendable {
        public var id: String
        public var name: String
        public var createdAt: Int
    }
    public struct Domain: Codable, Sendable {
        public struct Verification: Codable, Sendable {
            public var type: String
            public var domain: String
            public var value: String
            public var reason: String
        }
        public var name: String
        public var projectId: String
        public var verified: Bool
        public var verification: [Verification]?
        var added: Date
    }

    public var projects: [String: Project] = [:]
    public var domains: [String: Domain] = [:]
    public var ledger: [LedgerEntry] = []
    public var counter = 0

    public init() {}

    /// Vercel takes a project's id or its name wherever a path names one.
    func project(_ idOrName: String) -> Project? {
        projects[idOrName] ?? projects.values.first { $0.name == idOrName }
    }
}

/// A local Vercel REST API: projects (`POST /v11/projects`, `GET|DELETE /v9/projects/{idOrName}`) and their domains
/// (`POST /v10/projects/{id}/domains`, `GET|DELETE /v9/projects/{id}/domains/{domain}`), Bearer tokens, errors as
/// `{"error": {"code", "message"}}`. A new domain starts unverified with the TXT record to publish, and is verified
/// `verifyAfter` later (the sandbox's DNS).
public struct VercelSimulator: Sendable {
    public static let token = "sheenVercelSandboxToken000000000"

    public let store: SimulatorStore<VercelWorld>
    public let faults: Faults
    public let requests = RequestCounter()
    public let verifyAfter: Duration
    public let now: @Sendable () -> Date

    public init(
        stateFile: String? = nil, faults: Faults = Faults(), verifyAfter: Duration = .milliseconds(100),
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        store = try SimulatorStore(file: stateFile, initial: VercelWorld())
        self.faults = faults
        self.verifyAfter = verifyAfter
        self.now = now
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("v11/projects") { request, _ in
            let body = await SimulatorHTTP.body(request)
            return await handle(request) {
                let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
                guard let name = object?["name"] as? String, Self.isValidName(name) else {
                    throw VercelError(
                        status: 400, code: "bad_request",
                        message:
                            "Invalid request: `name` must be lowercase letters, digits, '.', '_' or '-', at most 100 characters."
                    )
                }
                let date = now()
                let project = try await store.mutate { world -> VercelWorld.Project in
                    guard !world.projects.values.contains(where: { $0.name == name }) else {
                        throw VercelError(
                            status: 409, code: "conflict",
                            message: "Project \"\(name)\" already exists, please use a different name.")
                    }
                    world.counter += 1
                    let project = VercelWorld.Project(
                        id: "prj_sheen\(String(format: "%06d", world.counter))", name: name,
                        createdAt: Int(date.timeIntervalSince1970 * 1000))
                    world.projects[project.id] = project
                    world.record("project.created", project.id, key: name, at: date)
                    return project
                }
                try await faults.afterCommit(path: "/v11/projects")
                return (200, try SimulatorHTTP.encoded(project))
            }
        }
        router.get("v9/projects/:project") { request, context in
            let key = context.parameters.get("project") ?? ""
            return await handle(request) {
                guard let project = await store.read({ $0.project(key) })
                else { throw VercelError(status: 404, code: "not_found", message: "Project not found.") }
                return (200, try SimulatorHTTP.encoded(project))
            }
        }
        router.delete("v9/projects/:project") { request, context in
            let key = context.parameters.get("project") ?? ""
            return await handle(request) {
                let date = now()
                try await store.mutate { world in
                    guard let id = world.project(key)?.id else {
                        throw VercelError(status: 404, code: "not_found", message: "Project not found.")
                    }
                    world.projects[id] = nil
                    world.domains = world.domains.filter { $0.value.projectId != id }
                    world.record("project.deleted", id, at: date)
                }
                return (204, Data())
            }
        }
        router.post("v10/projects/:project/domains") { request, context in
            let project = context.parameters.get("project") ?? ""
            let body = await SimulatorHTTP.body(request)
            return await handle(request) { try await addDomain(project: project, body) }
        }
        router.get("v9/projects/:project/domains/:domain") { request, context in
            let project = context.parameters.get("project") ?? ""
            let name = context.parameters.get("domain") ?? ""
            return await handle(request) {
                try await verifyDue()
                guard
                    let domain = await store.read({ world in
                        world.domains[name].flatMap { domain in
                            domain.projectId == world.project(project)?.id ? domain : nil
                        }
                    })
                else {
                    throw VercelError(
                        status: 404, code: "not_found", message: "The domain \(name) was not found on this project.")
                }
                return (200, try SimulatorHTTP.encoded(domain))
            }
        }
        router.delete("v9/projects/:project/domains/:domain") { request, context in
            let name = context.parameters.get("domain") ?? ""
            return await handle(request) {
                let date = now()
                try await store.mutate { world in
                    guard world.domains.removeValue(forKey: name) != nil else {
                        throw VercelError(status: 404, code: "not_found", message: "The domain \(name) was not found.")
                    }
                    world.record("domain.removed", name, at: date)
                }
                return (200, Data("{}".utf8))
            }
        }
        return router
    }

    static func isValidName(_ name: String) -> Bool {
        (1...100).contains(name.count)
            && name.allSatisfy { ($0.isLowercase && $0.isASCII) || $0.isNumber || ".-_".contains($0) }
    }

    func addDomain(project: String, _ body: Data) async throws -> (Int, Data) {
        let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
        guard let name = object?["name"] as? String, name.contains("."), !name.hasPrefix("."), !name.contains(" ")
        else {
            throw VercelError(status: 400, code: "invalid_domain", message: "Invalid request: `name` must be a domain.")
        }
        let date = now()
        let domain = try await store.mutate { world -> VercelWorld.Domain in
            guard let project = world.project(project)?.id else {
                throw VercelError(status: 404, code: "not_found", message: "Project not found.")
            }
            if let existing = world.domains[name] {
                guard existing.projectId == project else {
                    throw VercelError(
                        status: 409, code: "domain_already_in_use",
                        message: "Cannot add \(name) since it's already in use by another project.")
                }
                throw VercelError(
                    status: 409, code: "domain_already_in_use",
                    message: "The domain \(name) is already assigned to this project.")
            }
            let domain = VercelWorld.Domain(
                name: name, projectId: project, verified: false,
                verification: [
                    .init(
                        type: "TXT", domain: "_vercel.\(name)", value: "vc-domain-verify=\(name),\(project.suffix(6))",
                        reason: "pending_domain_verification")
                ], added: date)
            world.domains[name] = domain
            world.record("domain.added", name, key: project, at: date)
            return domain
        }
        try await faults.afterCommit(path: "/v10/projects")
        return (200, try SimulatorHTTP.encoded(domain))
    }

    func verifyDue() async throws {
        let date = now()
        try await store.mutate { world in
            for (name, domain) in world.domains
            where !domain.verified && date.timeIntervalSince(domain.added) >= verifyAfter.seconds {
                world.domains[name]?.verified = true
                world.domains[name]?.verification = nil
                world.record("domain.verified", name, at: date)
            }
        }
    }

    func handle(_ request: Request, _ operation: @Sendable () async throws -> (Int, Data)) async -> Response {
        switch await SimulatorHTTP.prelude(faults, requests) {
        case .rateLimited:
            return VercelError(status: 429, code: "rate_limited", message: "Rate limit exceeded").response
        case .dropped: return SimulatorHTTP.dropped()
        case .serverError:
            return VercelError(status: 500, code: "internal_server_error", message: "An unexpected error occurred.")
                .response
        case nil: break
        }
        guard SimulatorHTTP.bearer(request) == Self.token else {
            return VercelError(status: 403, code: "forbidden", message: "Not authorized").response
        }
        do {
            let (status, body) = try await operation()
            return status == 204 ? Response(status: .noContent) : SimulatorHTTP.response(status, body)
        } catch let error as VercelError {
            return error.response
        } catch is ConnectionDrop {
            return SimulatorHTTP.dropped()
        } catch {
            return VercelError(status: 500, code: "internal_server_error", message: "An unexpected error occurred.")
                .response
        }
    }
}

/// Vercel's error body: `{"error": {"code", "message"}}`.
struct VercelError: Error, Sendable {
    var status: Int
    var code: String
    var message: String

    var response: Response {
        SimulatorHTTP.response(
            status, (try? SimulatorHTTP.json(["error": ["code": code, "message": message]])) ?? Data())
    }
}
