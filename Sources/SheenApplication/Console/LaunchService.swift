import Crypto
import Foundation
import SheenEngine
import SheenModel
import SheenPlanner
import SheenSimulator

/// What `POST …/launches` takes.
public struct LaunchRequest: Codable, Sendable, Hashable {
    /// Simulators and stand-ins on this machine instead of the real providers.
    public var sandbox: Bool
    public var environment: DeploymentEnvironment

    public init(sandbox: Bool, environment: DeploymentEnvironment = .dev) {
        self.sandbox = sandbox
        self.environment = environment
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sandbox = try container.decodeIfPresent(Bool.self, forKey: .sandbox) ?? false
        environment = try container.decodeIfPresent(DeploymentEnvironment.self, forKey: .environment) ?? .dev
    }

    /// The hash an idempotency key is bound to: of the request with its defaults filled in, so `{}` and
    /// `{"sandbox": false}` are the same request.
    var fingerprint: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(self)) ?? Data()
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}

/// Launches started from the API or the dashboard: `sheen up` for a stored project, run in the background by the
/// server, with each progress event kept in the store (so any server sharing it can stream them) and the summary
/// recorded when it ends. A retried `POST` with the same `Idempotency-Key` and body gets the same launch; with
/// another body it is refused.
public struct LaunchService: Sendable {
    /// Builds the `sheen up` use case for a project whose files (its environment file) live in `directory`.
    public typealias UpFactory = @Sendable (_ directory: String) -> UpService

    public let store: any ConsoleStore
    public let projects: ProjectService
    public let makeUp: UpFactory
    public let settings: Settings
    let gate: LaunchGate

    public struct Settings: Sendable {
        /// Each project's files go in `<root>/<project>`: its environment file and its simulators' state.
        public var root: String
        public var portBase: Int
        public var checklistTimeout: Duration
        public var fontPath: String?

        public init(
            root: String, portBase: Int = Sandbox.defaultPortBase, checklistTimeout: Duration = .seconds(60),
            fontPath: String? = nil
        ) {
            self.root = root
            self.portBase = portBase
            self.checklistTimeout = checklistTimeout
            self.fontPath = fontPath
        }
    }

    public init(store: any ConsoleStore, projects: ProjectService, settings: Settings, makeUp: @escaping UpFactory) {
        self.store = store
        self.projects = projects
        self.settings = settings
        self.makeUp = makeUp
        self.gate = LaunchGate()
    }

    public enum Started: Sendable {
        /// A new launch, to be run with ``run(_:)``.
        case created(LaunchRecord)
        /// The launch this idempotency key started before.
        case replayed(LaunchRecord)
    }

    /// Records a launch of `project`, or finds the one `idempotencyKey` already started.
    public func start(
        project: String, request: LaunchRequest, idempotencyKey: String?, by actor: String
    ) async throws(ConsoleError) -> Started {
        _ = try await projects.project(project)
        if let key = idempotencyKey {
            guard !key.isEmpty, key.count <= 255, key.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) })
            else {
                throw .invalid(
                    field: "Idempotency-Key",
                    LocalizedText(
                        en: "an Idempotency-Key is 1 to 255 visible ASCII characters (a UUID is a good one)",
                        ar: "مفتاح Idempotency-Key من 1 إلى 255 حرف ASCII مرئي (معرّف UUID مناسب)"))
            }
        }
        let record = LaunchRecord(
            project: project, environment: request.environment, sandbox: request.sandbox,
            idempotencyKey: idempotencyKey, requestHash: request.fingerprint, createdBy: actor,
            createdAt: projects.now())
        let creation: LaunchCreation
        do { creation = try await store.createLaunch(record) } catch { throw .store("\(error)") }
        switch creation {
        case .created(let launch): return .created(launch)
        case .existing(let launch):
            guard launch.requestHash == record.requestHash else {
                throw .idempotencyConflict(key: idempotencyKey ?? "", launch: launch.id)
            }
            return .replayed(launch)
        }
    }

    /// How often a running launch says it is alive, and how long a silence makes it an orphan.
    public static let heartbeat: Duration = .seconds(5)
    public static let orphanAfter: TimeInterval = 30

    /// The launch, settled as failed first if the process running it stopped (its heartbeat is long silent), so no
    /// launch stays `running` for ever after a crash.
    public func launch(_ id: Int64, project: String) async throws(ConsoleError) -> LaunchRecord {
        do {
            guard let found = try await store.launch(id), found.project == project else {
                throw ConsoleError.noLaunch(id)
            }
            let now = projects.now()
            guard !found.status.finished, now.timeIntervalSince(found.heartbeatAt) > Self.orphanAfter else {
                return found
            }
            let reason = LocalizedText(
                en: "interrupted: the server running this launch stopped; launch again (a rerun repeats nothing done)",
                ar: "انقطع: توقف الخادم الذي يشغّل هذا الإطلاق؛ أطلق مجددًا (الإعادة لا تكرر ما تم)")
            if try await store.abandonLaunch(
                id, staleBefore: now.addingTimeInterval(-Self.orphanAfter), error: reason.en, at: now)
            {
                _ = try await store.appendLaunchEvent(
                    id, body: LaunchProgressJSON(finished: .failed, ready: false, error: reason).text, at: now)
            }
            return try await store.launch(id) ?? found
        } catch let error as ConsoleError {
            throw error
        } catch {
            throw .store("\(error)")
        }
    }

    /// Runs `launch` to its end: never throws; what happened is in its events and its final status. Sandbox launches
    /// run one at a time in a process, since each starts the same simulators.
    public func run(_ launch: LaunchRecord) async {
        let record: @Sendable (LaunchProgressJSON) async -> Void = { event in
            _ = try? await store.appendLaunchEvent(launch.id, body: event.text, at: Date())
        }
        // Beats from the moment it is accepted, queued or running, until it has recorded its end.
        let beating = Task {
            while !Task.isCancelled {
                try? await store.touchLaunch(launch.id, at: Date())
                try? await Task.sleep(for: Self.heartbeat)
            }
        }
        await gate.enter()
        do {
            var request = try await projects.request(launch.project, environment: launch.environment)
            // The sandbox's providers are simulators on this machine: they deliver to the launch's own receiver.
            if launch.sandbox { request.webhookPublicURL = nil }
            try? await store.finishLaunch(launch.id, status: .running, summary: nil, error: nil, at: nil)
            let directory = (settings.root as NSString).appendingPathComponent(launch.project)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let options = UpService.Options(
                sandbox: launch.sandbox, simulatorDirectory: (directory as NSString).appendingPathComponent("sandbox"),
                portBase: settings.portBase, projectDirectory: directory, checklistTimeout: settings.checklistTimeout,
                fontPath: settings.fontPath, receiverPort: 0)
            // Progress arrives synchronously from the launch; a serial stream keeps the stored order.
            let (stream, continuation) = AsyncStream.makeStream(of: LaunchProgressJSON.self)
            let writer = Task { for await event in stream { await record(event) } }
            let summary: UpService.Summary
            do {
                summary = try await makeUp(directory).run(request, options: options) { progress in
                    continuation.yield(LaunchProgressJSON(progress))
                }
            } catch {
                continuation.finish()
                await writer.value
                throw error
            }
            continuation.finish()
            await writer.value
            let status: LaunchRecord.Status = summary.checklist.ready ? .succeeded : .failed
            await record(LaunchProgressJSON(finished: status, ready: summary.checklist.ready, error: nil))
            let text = String(
                decoding: (try? LaunchProgressJSON.encoder.encode(UpJSON(summary))) ?? Data(), as: UTF8.self)
            try? await store.finishLaunch(launch.id, status: status, summary: text, error: nil, at: Date())
        } catch {
            let message = Self.describe(error)
            await record(LaunchProgressJSON(finished: .failed, ready: false, error: message))
            try? await store.finishLaunch(launch.id, status: .failed, summary: nil, error: message.en, at: Date())
        }
        beating.cancel()
        await gate.leave()
    }

    static func describe(_ error: any Error) -> LocalizedText {
        if let error = error as? ConsoleError { return error.message }
        if let error = error as? ApplicationError { return error.message }
        if let error = error as? Sandbox.StartError {
            return LocalizedText(en: "the simulators could not start: \(error)", ar: "تعذر تشغيل المحاكيات: \(error)")
        }
        return LocalizedText(en: "the launch stopped: \(error)", ar: "توقف الإطلاق: \(error)")
    }
}

/// One launch at a time: waiters are admitted in arrival order.
actor LaunchGate {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func enter() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func leave() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }
}
