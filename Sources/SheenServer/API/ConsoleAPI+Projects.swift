// swift-format-ignore-file: AlwaysUseLowerCamelCase

import Foundation
import Hummingbird
import SheenApplication
import SheenChecks
import SheenEngine
import SheenModel
import SheenPlanner

extension ConsoleAPI {
    func registerProjects(on router: Router<BasicRequestContext>) {
        route(router, .get, "/v1/recipes", scope: .read, project: false) { call in
            let recipes = projects.catalog.sortedRecipes.map { RecipeJSON($0) }
            return APIResponse.json(.ok, ["recipes": recipes], correlation: call.id)
        }
        route(router, .get, "/v1/projects", scope: .read, project: false) { call in
            let visible = try await projects.list().filter { call.token.allows(project: $0.spec.name) }
            return APIResponse.json(.ok, ["projects": visible.map(ProjectJSON.init)], correlation: call.id)
        }
        route(router, .post, "/v1/projects", scope: .write, project: false) { call in
            let spec = try await call.decode(ProjectSpec.self)
            guard call.token.allows(project: spec.name) else { throw APIFailure.forbiddenProject(spec.name) }
            let created = try await projects.create(spec)
            var response = APIResponse.json(.created, ProjectJSON(created), correlation: call.id)
            response.headers[.location] = "/v1/projects/\(created.spec.name)"
            return response
        }
        route(router, .get, "/v1/projects/{project}", scope: .read) { call in
            APIResponse.json(.ok, ProjectJSON(try await projects.project(call.projectName)), correlation: call.id)
        }
        // A dry run: the plan against recorded state, with reasons and costs; nothing is called or written.
        route(router, .post, "/v1/projects/{project}/plans", scope: .write) { call in
            let body = try await call.decode(EnvironmentBody.self)
            let request = try await projects.request(call.projectName, environment: body.environment)
            let plan = try await apply.plan(.request(request))
            return APIResponse.raw(.ok, Data(PlanJSONRenderer.render(plan).utf8), correlation: call.id)
        }
        route(router, .get, "/v1/projects/{project}/checklist", scope: .read) { call in
            let environment = try call.environment()
            _ = try await projects.project(call.projectName)
            let conditions = try await checklist.conditions(
                in: StoreScope(project: call.projectName, environment: environment))
            return APIResponse.json(
                .ok, ChecklistJSON(project: call.projectName, environment: environment, conditions: conditions),
                correlation: call.id)
        }
        route(router, .get, "/v1/projects/{project}/checklist/stream", scope: .read) { call in
            let environment = try call.environment()
            _ = try await projects.project(call.projectName)
            return checklistStream(
                project: call.projectName, environment: environment, correlation: call.id)
        }
        route(router, .post, "/v1/projects/{project}/preflight", scope: .write) { call in
            let body = try await call.decode(PreflightBody.self)
            let request = try await projects.request(call.projectName, environment: body.environment)
            let directory = (launches.settings.root as NSString).appendingPathComponent(call.projectName)
            let report = try await PreflightService(apply: apply).run(
                .request(request), projectFile: nil, projectDirectory: directory,
                selection: .init(only: Set(body.only ?? []), skip: Set(body.skip ?? [])))
            return APIResponse.json(.ok, PreflightJSON(report), correlation: call.id)
        }
        route(router, .get, "/v1/projects/{project}/health", scope: .read) { call in
            _ = try await projects.project(call.projectName)
            let health = try await ConnectionHealth.measure(
                project: call.projectName, connections: connections, state: apply.store, events: events,
                since: Date() - 86_400)
            return APIResponse.json(.ok, ["connections": health], correlation: call.id)
        }
    }
}

struct EnvironmentBody: Decodable {
    var environment: DeploymentEnvironment

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        environment = try container.decodeIfPresent(DeploymentEnvironment.self, forKey: .environment) ?? .dev
    }

    enum CodingKeys: String, CodingKey { case environment }
}

struct PreflightBody: Decodable {
    var environment: DeploymentEnvironment
    var only: [String]?
    var skip: [String]?

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        environment = try container.decodeIfPresent(DeploymentEnvironment.self, forKey: .environment) ?? .dev
        only = try container.decodeIfPresent([String].self, forKey: .only)
        skip = try container.decodeIfPresent([String].self, forKey: .skip)
        for id in (only ?? []) + (skip ?? []) where !PreflightService.checkIDs.contains(id) {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: [only?.contains(id) == true ? CodingKeys.only : CodingKeys.skip],
                    debugDescription: "unknown check \(id)"))
        }
    }

    enum CodingKeys: String, CodingKey { case environment, only, skip }
}

struct RecipeJSON: Encodable {
    var id: String
    var name: LocalizedText
    var description: LocalizedText
    var markets: [String]

    init(_ recipe: Recipe) {
        id = recipe.id
        name = recipe.name
        description = recipe.description
        markets = recipe.markets.map(\.rawValue)
    }
}

struct ProjectJSON: Encodable {
    var name: String
    var recipe: String
    var markets: [String]
    var currencies: [String]
    var domain: String?
    var webhook_public_url: String?
    var created_at: String

    init(_ details: ProjectService.Details) {
        name = details.spec.name
        recipe = details.recipe.id
        markets = details.markets.map(\.rawValue)
        currencies = details.currencies.map(\.rawValue)
        domain = details.spec.domain
        webhook_public_url = details.spec.webhookPublicURL
        created_at = ISO8601DateFormatter().string(from: details.createdAt)
    }
}

struct PreflightJSON: Encodable {
    var project: String
    var environment: String
    var ready: Bool
    var seconds: Double
    var results: [PreflightResult]

    init(_ report: PreflightReport) {
        project = report.project
        environment = report.environment.rawValue
        ready = report.ready(strict: false)
        seconds = report.seconds
        results = report.results
    }
}
