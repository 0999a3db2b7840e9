import Foundation
import SheenApplication
import SheenModel
import SheenWebhooks
import Synchronization

/// The webhook receivers of projects made through the API, one per project and environment, kept for a minute so a
/// burst of deliveries reads the project and its signing secrets once, not per delivery.
final class ProjectReceivers: Sendable {
    private struct Entry {
        var receiver: (WebhookIngestService, String?)?
        var until: Date
    }

    private let projects: ProjectService
    private let connections: ConnectionService
    private let events: any EventStore
    private let entries = Mutex<[String: Entry]>([:])

    init(projects: ProjectService, connections: ConnectionService, events: any EventStore) {
        self.projects = projects
        self.connections = connections
        self.events = events
    }

    /// The receiver of `project` in `environment` and the public base its providers call, or `nil` when there is no
    /// such project.
    func receiver(_ project: String, _ environment: DeploymentEnvironment) async -> (WebhookIngestService, String?)? {
        let key = "\(project)/\(environment.rawValue)"
        let now = Date()
        if let cached = entries.withLock({ $0[key] }), cached.until > now { return cached.receiver }
        var receiver: (WebhookIngestService, String?)?
        if let details = try? await projects.project(project) {
            receiver = (
                WebhookIngestService(
                    project: project, environment: environment, connections: connections, events: events),
                details.spec.webhookPublicURL
            )
        }
        entries.withLock { entries in
            if entries.count > 1_000 { entries = entries.filter { $0.value.until > now } }
            entries[key] = Entry(receiver: receiver, until: now.addingTimeInterval(60))
        }
        return receiver
    }
}
