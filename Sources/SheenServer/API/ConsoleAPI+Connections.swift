// swift-format-ignore-file: AlwaysUseLowerCamelCase

import Foundation
import Hummingbird
import SheenApplication
import SheenEngine
import SheenModel
import SheenPlanner
import SheenWebhooks

extension ConsoleAPI {
    func registerConnections(on router: Router<BasicRequestContext>) {
        route(router, .get, "/v1/projects/{project}/connections", scope: .read) { call in
            _ = try await projects.project(call.projectName)
            let list = try await connections.list(project: call.projectName)
            return APIResponse.json(
                .ok, ConnectionJSON.List(project: call.projectName, connections: list.map(ConnectionJSON.init)),
                correlation: call.id)
        }
        // Credentials go in and are sealed at once; no route ever returns them, only their fingerprints.
        route(router, .post, "/v1/projects/{project}/connections", scope: .write) { call in
            let body = try await call.decode(ConnectBody.self)
            _ = try await projects.project(call.projectName)
            var markets: [CountryCode] = []
            for text in body.markets ?? [] {
                guard let market = CountryCode(rawValue: text.uppercased()) else {
                    throw APIFailure.invalid(
                        field: "markets",
                        LocalizedText(en: "\(text) is not a country code", ar: "\(text) ليس رمز دولة"))
                }
                markets.append(market)
            }
            let details = try await connections.connect(
                ConnectRequest(
                    project: call.projectName, provider: body.provider, environment: body.environment ?? .dev,
                    alias: body.alias ?? Connection.defaultAlias, markets: markets,
                    externalAccountID: body.external_account_id, sandbox: body.sandbox ?? false,
                    baseURL: body.base_url),
                values: body.fields ?? [:])
            try await audit.record(
                .credentialWrite, by: call.token.actor, project: call.projectName,
                target: details.connection.reference, correlationID: call.id)
            return APIResponse.json(.created, ConnectionJSON(details), correlation: call.id)
        }
        route(router, .delete, "/v1/projects/{project}/connections/{provider}/{alias}", scope: .write) { call in
            _ = try await projects.project(call.projectName)
            let removed = try await connections.remove(
                project: call.projectName, provider: call.parameter("provider"), alias: call.parameter("alias"),
                environment: try call.environment())
            try await audit.record(
                .credentialDelete, by: call.token.actor, project: call.projectName, target: removed.reference,
                correlationID: call.id)
            return APIResponse.raw(.noContent, Data(), correlation: call.id)
        }
    }
}

/// What `POST …/connections` takes: the manifest's credential fields by name, as the dashboard's form sends them.
struct ConnectBody: Decodable {
    var provider: String
    var alias: String?
    var environment: DeploymentEnvironment?
    var markets: [String]?
    var sandbox: Bool?
    var base_url: String?
    var external_account_id: String?
    var fields: [String: String]?
}

/// Per connection, errors since a moment (the last 24 hours): its provider's steps that failed, and its webhook
/// deliveries that failed or were dead-lettered; the dead letters it holds, and the latest error.
struct ConnectionHealth: Encodable {
    var reference: String
    var environment: String
    var sandbox: Bool
    var problem: LocalizedText?
    var errors_24h: Int
    var step_errors_24h: Int
    var webhook_errors_24h: Int
    var dead_letters: Int
    var last_error: String?
    var healthy: Bool

    static func measure(
        project: String, connections: ConnectionService, state: any StateStore, events: any EventStore, since: Date
    ) async throws -> [ConnectionHealth] {
        let list = try await connections.list(project: project)
        // Only failing events count: two narrow reads, not every event the project ever received.
        let recent =
            try await events.events(project: project, provider: nil, status: .failed, limit: 10_000)
            + events.events(project: project, provider: nil, status: .dead, limit: 10_000)
        var snapshots: [DeploymentEnvironment: StoreSnapshot] = [:]
        var health: [ConnectionHealth] = []
        for details in list {
            let connection = details.connection
            let environment = connection.environment
            if snapshots[environment] == nil {
                snapshots[environment] = try await state.snapshot(
                    StoreScope(project: project, environment: environment))
            }
            let steps = (snapshots[environment]?.states.values.map { $0 } ?? []).filter {
                $0.provider == connection.provider && $0.status == .failed && $0.updatedAt >= since
            }.sorted { $0.updatedAt > $1.updatedAt }
            let mine = recent.filter { $0.connection == connection.reference }
            let failing = mine.filter { $0.receivedAt >= since }.sorted { $0.receivedAt > $1.receivedAt }
            let latestStep = steps.first.map { "\($0.stepID): \($0.errorClass ?? "failed") \($0.errorMessage ?? "")" }
            let latest =
                if let step = steps.first, let event = failing.first {
                    step.updatedAt >= event.receivedAt ? latestStep : event.lastError
                } else {
                    latestStep ?? failing.first?.lastError
                }
            health.append(
                ConnectionHealth(
                    reference: connection.reference, environment: environment.rawValue, sandbox: connection.sandbox,
                    problem: connection.problem, errors_24h: steps.count + failing.count,
                    step_errors_24h: steps.count, webhook_errors_24h: failing.count,
                    dead_letters: mine.count { $0.status == .dead }, last_error: latest,
                    healthy: connection.problem == nil && steps.isEmpty && failing.isEmpty))
        }
        return health
    }
}
