import Foundation
import SheenChecks
import SheenEngine
import SheenModel
import SheenPlanner
import SheenSimulator
import SheenWebhooks

/// `sheen up`: the whole launch in one process. In the sandbox it starts the simulators and the webhook receiver,
/// connects the project to the simulators with their test keys, stands up what the probes check (a DNS answer for the
/// domain, HTTPS with a certificate from a sandbox CA, a starter Arabic page with a real Arabic font), then plans,
/// applies and watches the checklist turn green through the same evaluation, probes and events as production. The
/// sandbox's probes trust its CA alone and may reach loopback; a real run's trust the system and reach only public
/// addresses.
public struct UpService: Sendable {
    /// Starts the webhook receiver for a project (the server module's `WebhookServer`) on `port` (0: any free one),
    /// returning the port it bound and how to stop it.
    public typealias ReceiverStarter =
        @Sendable (_ project: String, _ environment: DeploymentEnvironment, _ port: Int) async throws -> (
            port: Int, stop: @Sendable () -> Void
        )

    public let apply: ApplyService
    public let checklist: ChecklistService
    public let connections: ConnectionService
    public let startReceiver: ReceiverStarter

    public init(
        apply: ApplyService, checklist: ChecklistService, connections: ConnectionService,
        startReceiver: @escaping ReceiverStarter
    ) {
        self.apply = apply
        self.checklist = checklist
        self.connections = connections
        self.startReceiver = startReceiver
    }

    public struct Options: Sendable {
        public var sandbox: Bool
        /// Where the simulators keep their state (`.sheen/sandbox`), so a rerun finds what the first run created.
        public var simulatorDirectory: String
        public var portBase: Int
        /// The project's directory: its environment file.
        public var projectDirectory: String
        /// How long to wait for the checklist to turn green after the apply.
        public var checklistTimeout: Duration
        public var fontPath: String?
        /// Faults for the simulators (a template Meta rejects, a 429 storm), as `sheen sandbox serve --faults` takes.
        public var faults: FaultPlan
        /// Where the sandbox's webhook receiver listens (providers are told `http://127.0.0.1:<port>`); 0 for any
        /// free port.
        public var receiverPort: Int

        public init(
            sandbox: Bool, simulatorDirectory: String = ".sheen/sandbox", portBase: Int = Sandbox.defaultPortBase,
            projectDirectory: String, checklistTimeout: Duration = .seconds(60), fontPath: String? = nil,
            faults: FaultPlan = FaultPlan(), receiverPort: Int = 8080
        ) {
            self.faults = faults
            self.receiverPort = receiverPort
            self.sandbox = sandbox
            self.simulatorDirectory = simulatorDirectory
            self.portBase = portBase
            self.projectDirectory = projectDirectory
            self.checklistTimeout = checklistTimeout
            self.fontPath = fontPath
        }
    }

    /// What the launch is doing, for a live display.
    public enum Progress: Sendable {
        case simulators(count: Int)
        case connected(providers: [String])
        case standIns(domain: String, sitePort: Int, dnsPort: Int)
        case planned(Plan)
        case execution(ExecutionEvent)
        case checklist([ChecklistCondition])
    }

    public struct Summary: Sendable {
        public var plan: Plan
        /// `nil` when the plan changed nothing: the rerun of a finished launch.
        public var execution: ExecutionReport?
        public var checklist: ChecklistService.Report
        public var domain: String?
        public var elapsed: Duration
    }

    /// The domain a sandbox launch uses when the project names none: under `.test`, which never resolves on the
    /// internet (RFC 2606), so the stand-ins can answer for it without shadowing anything real.
    public static func sandboxDomain(project: String) -> String {
        let label = project.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
        return String(label) + ".sheen.test"
    }

    public func run(
        _ request: PlanRequest, options: Options, progress: @escaping @Sendable (Progress) -> Void = { _ in }
    ) async throws -> Summary {
        let clock = ContinuousClock()
        let started = clock.now
        guard options.sandbox else {
            return try await launch(request, options: options, probes: .init(), progress: progress, started: started)
        }
        var request = request
        if request.domain == nil { request.domain = Self.sandboxDomain(project: request.projectName) }
        let domain = request.domain ?? ""
        try FileManager.default.createDirectory(
            atPath: options.simulatorDirectory, withIntermediateDirectories: true)
        let simulators = try await Sandbox.start(
            [], portBase: options.portBase, directory: options.simulatorDirectory, faults: options.faults)
        defer { for simulator in simulators { simulator.stop() } }
        progress(.simulators(count: simulators.count))
        // Port 0 lets a server that runs many launches side by side take any free port for each one's receiver.
        let wantedPort = request.receiverURL.flatMap { URL(string: $0)?.port } ?? options.receiverPort
        let receiver = try await startReceiver(request.projectName, request.environment, wantedPort)
        defer { receiver.stop() }
        if request.webhookPublicURL == nil, receiver.port != 8080 {
            request.webhookPublicURL = "http://127.0.0.1:\(receiver.port)"
        }
        let receiverURL = request.receiverURL ?? "http://127.0.0.1:\(receiver.port)"
        let outcomes = try await SandboxService(connections: connections).connect(
            project: request.projectName, environment: request.environment, portBase: options.portBase,
            publicURL: receiverURL)
        progress(
            .connected(
                providers: outcomes.compactMap {
                    if case .connected(let reference, _) = $0 { return reference }
                    return nil
                }))
        // What the probes check, on loopback: the sandbox CA is trusted by these probes and nothing else.
        let authority = try SandboxCertificateAuthority()
        let site = try await SandboxSite.start(domain: domain, authority: authority, fontPath: options.fontPath)
        let dns = try await LocalDNSServer.start([
            .init(domain, .a, "127.0.0.1"), .init("www.\(domain)", .cname, "\(domain)."),
        ])
        progress(.standIns(domain: domain, sitePort: site.port, dnsPort: dns.port))
        let probes = ChecklistService.ProbeOverrides(
            dns: DNSLookup(server: dns.server), policy: .sandbox, trust: .roots([authority.root]),
            httpsPort: site.port, fontPath: options.fontPath)
        var apply = apply
        let resolver = LDNSHostResolver(DNSLookup(server: dns.server))
        apply.runners.register(
            DomainRunner(resolve: { host in
                ((try? await resolver.addresses(of: host)) ?? []).map(\.description)
            }), for: "recipe.domain")
        apply.runners.register(DNSPreflightRunner(lookup: DNSLookup(server: dns.server)), for: "preflight.dns")
        do {
            let summary = try await launch(
                request, options: options, probes: probes, progress: progress, started: started, using: apply)
            await site.stop()
            await dns.stop()
            return summary
        } catch {
            await site.stop()
            await dns.stop()
            throw error
        }
    }

    /// Plan, apply (nothing when the plan changes nothing), then judge the checklist until it is green or the time is
    /// up; the checklist never turns green by decree, only on its evidence.
    func launch(
        _ request: PlanRequest, options: Options, probes: ChecklistService.ProbeOverrides,
        progress: @escaping @Sendable (Progress) -> Void, started: ContinuousClock.Instant,
        using apply: ApplyService? = nil
    ) async throws -> Summary {
        let apply = apply ?? self.apply
        let source = PlanSource.request(request)
        let outcome = try await apply.apply(
            source,
            confirm: { confirmation in
                progress(.planned(confirmation.plan))
                return true
            }, events: { progress(.execution($0)) })
        var plan: Plan
        var execution: ExecutionReport?
        switch outcome {
        case .noChanges(let unchanged):
            plan = unchanged
            progress(.planned(unchanged))
        case .ran(let report):
            execution = report
            plan = try await apply.plan(source)
        case .declined:
            plan = try await apply.plan(source)
        }
        let deadline = ContinuousClock.now.advanced(by: options.checklistTimeout)
        var shown: [String] = []
        var report: ChecklistService.Report
        repeat {
            report = try await checklist.evaluate(
                source, projectDirectory: options.projectDirectory, probes: probes)
            plan = report.plan
            let fingerprint = report.conditions.map { "\($0.item)=\($0.status.rawValue)" }
            if fingerprint != shown {
                progress(.checklist(report.conditions))
                shown = fingerprint
            }
            if report.ready || execution.map({ !$0.ok }) == true { break }
            // Nothing more can arrive for an item a verdict has settled against.
            if report.conditions.contains(where: { $0.status == .false && $0.reason != "ProbeFailed" }),
                !report.conditions.contains(where: { $0.status == .unknown })
            {
                break
            }
            try await Task.sleep(for: .milliseconds(250))
        } while ContinuousClock.now < deadline
        return Summary(
            plan: plan, execution: execution, checklist: report, domain: request.domain,
            elapsed: ContinuousClock.now - started)
    }
}
