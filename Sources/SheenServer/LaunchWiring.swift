import Foundation
import Logging
import SheenApplication
import SheenEngine
import SheenModel
import SheenWebhooks

/// How `sheen up` and the server's launches are put together, once: the apply, checklist and connection use cases
/// over one store, and a webhook receiver of this module's for each sandbox launch.
public enum LaunchWiring {
    public static func upService(
        store: any StateStore & ChecklistStore, events: any EventStore, catalog: Catalog,
        connections: ConnectionService, projectDirectory: String
    ) -> UpService {
        let apply = ApplyService(
            store: store, catalog: catalog, settings: ApplySettings(projectDirectory: projectDirectory),
            connections: connections, events: events)
        return UpService(
            apply: apply,
            checklist: ChecklistService(store: store, events: events, catalog: catalog, connections: connections),
            connections: connections,
            startReceiver: { project, environment, port in
                let running = try await WebhookServer(
                    ingest: WebhookIngestService(
                        project: project, environment: environment, connections: connections, events: events),
                    processor: EventProcessor(events: events)
                ).start(host: "127.0.0.1", port: port)
                return (running.port, { running.stop() })
            })
    }
}

extension ConsoleAPI {
    /// The API over one store, as `sheen serve` runs it and the tests drive it.
    public static func make(
        store: any StateStore & ChecklistStore & ConsoleStore, events: any EventStore, catalog: Catalog,
        connections: ConnectionService, settings: LaunchService.Settings, limits: Limits = Limits(),
        logger: Logger = WebhookServer.defaultLogger
    ) -> ConsoleAPI {
        let audit = AuditLog(store: store)
        let projects = ProjectService(store: store, catalog: catalog)
        let launches = LaunchService(store: store, projects: projects, settings: settings) { directory in
            LaunchWiring.upService(
                store: store, events: events, catalog: catalog, connections: connections, projectDirectory: directory)
        }
        return ConsoleAPI(
            projects: projects, launches: launches, tokens: AccessTokenService(store: store, audit: audit),
            audit: audit, connections: connections,
            apply: ApplyService(store: store, catalog: catalog, connections: connections, events: events),
            checklist: store, events: events, limits: limits, logger: logger)
    }
}
