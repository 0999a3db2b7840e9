import Foundation
import SheenChecks
import SheenEngine
import SheenModel
import SheenPlanner
import SheenWebhooks

/// `sheen preflight`: what a CI job checks before a deploy, without changing anything. Each check has a stable id,
/// a bilingual title and a fix; a question no provider API can answer (a key's scopes, which payment methods an
/// account has enabled) is `unknown`, never `pass`.
public struct PreflightService: Sendable {
    /// Its store, catalog, connections and runners: the verification calls are the apply's own runners.
    public let apply: ApplyService
    var connections: ConnectionService? { apply.connections }

    public init(apply: ApplyService) { self.apply = apply }

    /// Every check id, in the order they run.
    public static let checkIDs = [
        "connections.present", "credentials.valid", "credentials.live", "credentials.scopes", "coverage.markets",
        "residency.region", "dns.records", "tls.certificate", "webhook.reachable", "env.complete", "arabic.rendering",
    ]

    public struct Selection: Sendable {
        public var only: Set<String>
        public var skip: Set<String>

        public init(only: Set<String> = [], skip: Set<String> = []) {
            self.only = only
            self.skip = skip
        }

        func wants(_ id: String) -> Bool { (only.isEmpty || only.contains(id)) && !skip.contains(id) }
    }

    public func run(
        _ source: PlanSource, projectFile: String?, projectDirectory: String?, selection: Selection = Selection(),
        probes overrides: ChecklistService.ProbeOverrides = .init(), now: Date = Date()
    ) async throws -> PreflightReport {
        let started = ContinuousClock.now
        let project = try await JudgedProject.load(
            source, catalog: apply.catalog, store: apply.store, connections: connections)
        let (request, scope, snapshot, plan) = (project.request, project.scope, project.snapshot, project.plan)
        let inEnvironment = project.inEnvironment
        var results: [PreflightResult] = []
        let timer = ContinuousClock()

        func record(_ id: String, _ body: () async -> [PreflightResult]) async {
            guard selection.wants(id) else { return }
            let began = timer.now
            let made = await body()
            let elapsed = timer.now - began
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            results += made.map { result in
                var result = result
                if result.seconds == 0 { result.seconds = seconds / Double(max(made.count, 1)) }
                return result
            }
        }

        let providerNodes = Dictionary(grouping: plan.nodes.filter { $0.provider != nil && $0.role == .step }) {
            $0.provider ?? ""
        }
        let providers = providerNodes.keys.sorted()
        let missing = Set(plan.missingConnections.map(\.provider))

        await record("connections.present") {
            providers.map { provider in
                if let gap = plan.missingConnections.first(where: { $0.provider == provider }) {
                    return PreflightResult(
                        id: "connections.present", subject: provider, title: Self.title("connections.present"),
                        status: .fail,
                        message: LocalizedText(
                            en: "no \(scope.environment.rawValue) connection for \(provider)",
                            ar: "لا اتصال \(scope.environment.rawValue) بالمزوّد \(provider)"),
                        fix: LocalizedText(en: "run `\(gap.command)`", ar: "شغّل `\(gap.command)`"), file: projectFile)
                }
                return PreflightResult(
                    id: "connections.present", subject: provider, title: Self.title("connections.present"),
                    status: .pass,
                    message: LocalizedText(
                        en: "\(provider) is connected for \(scope.environment.rawValue)",
                        ar: "\(provider) متصل لبيئة \(scope.environment.rawValue)"))
            }
        }

        let runners = apply.runners
        let credentialNodes = plan.nodes.filter { $0.kind == "preflight.credentials" }
        await record("credentials.valid") {
            var made: [PreflightResult] = []
            for node in credentialNodes where !(node.provider.map(missing.contains) ?? true) {
                let runner = CredentialCheckRunner(catalog: apply.catalog, connections: inEnvironment)
                let outcome = await Self.call(runner, node, scope: scope, bound: inEnvironment, through: connections)
                made.append(
                    PreflightResult(
                        id: "credentials.valid", subject: node.connection ?? node.provider,
                        title: Self.title("credentials.valid"), status: outcome == nil ? .pass : .fail,
                        message: outcome.map { LocalizedText(en: $0, ar: $0) }
                            ?? LocalizedText(
                                en: "every required field is set, decrypts and matches \(scope.environment.rawValue)",
                                ar: "كل الحقول المطلوبة موجودة وتُفك وتطابق \(scope.environment.rawValue)"),
                        fix: LocalizedText(
                            en: "`sheen connections rotate` the field named, with a key for this environment",
                            ar: "استبدل الحقل المذكور بـ `sheen connections rotate` بمفتاح لهذه البيئة")))
            }
            return made
        }

        await record("credentials.live") {
            var made: [PreflightResult] = []
            for provider in providers where !missing.contains(provider) {
                // The provider's first verification step: a read-only call (its account, its key), never a change.
                guard
                    let node = providerNodes[provider]?.first(where: { $0.kind.contains(".verify-") }),
                    let runner = runners.runner(for: node.kind)
                else { continue }
                let failure = await Self.call(runner, node, scope: scope, bound: inEnvironment, through: connections)
                made.append(
                    PreflightResult(
                        id: "credentials.live", subject: node.connection ?? provider,
                        title: Self.title("credentials.live"), status: failure == nil ? .pass : .fail,
                        message: failure.map { LocalizedText(en: "\(node.kind): \($0)", ar: "\(node.kind): \($0)") }
                            ?? LocalizedText(
                                en: "\(provider) accepted the credentials (\(node.kind))",
                                ar: "قبل \(provider) بيانات الاعتماد (\(node.kind))"),
                        fix: LocalizedText(
                            en: "check the key in the provider's dashboard, then `sheen connections rotate`",
                            ar: "تحقق من المفتاح في لوحة المزوّد ثم `sheen connections rotate`")))
            }
            return made
        }

        await record("credentials.scopes") {
            providers.filter { !missing.contains($0) }.map { provider in
                PreflightResult(
                    id: "credentials.scopes", subject: provider, title: Self.title("credentials.scopes"),
                    status: .unknown,
                    message: LocalizedText(
                        en:
                            "\(provider)'s API does not list a key's scopes; a step that lacks one fails with the scope named",
                        ar: "لا تعرض واجهة \(provider) صلاحيات المفتاح؛ تفشل الخطوة التي تنقصها صلاحية وتسمّيها"),
                    fix: LocalizedText(
                        en: "give the key the scopes docs/providers.md lists for \(provider)",
                        ar: "امنح المفتاح الصلاحيات المذكورة لـ \(provider) في docs/providers.md"))
            }
        }

        await record("coverage.markets") {
            plan.resolutions.filter { !$0.disabled }.map { resolution in
                if !resolution.uncoveredMarkets.isEmpty {
                    let markets = resolution.uncoveredMarkets.map(\.rawValue).joined(separator: ", ")
                    return PreflightResult(
                        id: "coverage.markets", subject: resolution.slot, title: Self.title("coverage.markets"),
                        status: resolution.optional ? .warn : .fail,
                        message: LocalizedText(
                            en: "no available provider covers \(resolution.slot) in \(markets)",
                            ar: "لا مزوّد متاح يغطي \(resolution.slot) في \(markets)"),
                        fix: LocalizedText(
                            en: "pin a provider for \(resolution.slot) in sheen.yaml, or drop \(markets) from markets",
                            ar: "ثبّت مزوّدًا لـ \(resolution.slot) في sheen.yaml أو أزل \(markets) من الأسواق"),
                        file: projectFile)
                }
                let chosen = resolution.providers.joined(separator: ", ")
                // The catalog says who covers what; only the provider's account page says what is switched on.
                return PreflightResult(
                    id: "coverage.markets", subject: resolution.slot, title: Self.title("coverage.markets"),
                    status: .unknown,
                    message: LocalizedText(
                        en:
                            "the catalog has \(chosen) covering every market, currency and payment method asked; no API confirms the account has them enabled",
                        ar:
                            "يغطي \(chosen) في الكتالوج كل الأسواق والعملات وطرق الدفع المطلوبة؛ ولا واجهة تؤكد تفعيلها في الحساب"
                    ),
                    fix: LocalizedText(
                        en: "check the enabled markets and methods in \(chosen)'s dashboard",
                        ar: "تحقق من الأسواق والطرق المفعّلة في لوحة \(chosen)"))
            }
        }

        let region = project.region
        await record("residency.region") {
            guard plan.resolutions.contains(where: { $0.slot == "deploy" && !$0.assignments.isEmpty }) else {
                return []
            }
            guard let region else {
                return [
                    PreflightResult(
                        id: "residency.region", title: Self.title("residency.region"), status: .unknown,
                        message: LocalizedText(
                            en: "no deployment region is recorded yet", ar: "لم تُسجَّل منطقة نشر بعد"),
                        fix: LocalizedText(en: "run `sheen apply`", ar: "شغّل `sheen apply`"))
                ]
            }
            let residency = request.residency.map { $0.countries.map(\.rawValue).joined(separator: ", ") }
            return [
                PreflightResult(
                    id: "residency.region", subject: region, title: Self.title("residency.region"), status: .pass,
                    message: LocalizedText(
                        en: "deploys to \(region)" + (residency.map { ", chosen for residency in \($0)" } ?? ""),
                        ar: "النشر إلى \(region)" + (residency.map { "، اختيرت لإقامة البيانات في \($0)" } ?? "")))
            ]
        }

        await record("dns.records") {
            await Self.dnsRecords(snapshot, lookup: overrides.dns)
        }

        let checklistProbes = apply.catalog.checklists[request.recipe.checklist.id].map(project.probes) ?? []
        let probes = ChecklistProbes(
            try await project.probeSettings(
                overrides, projectDirectory: projectDirectory, catalog: apply.catalog, connections: connections,
                checksEnvironment: selection.wants("env.complete")))
        for (id, probe) in [
            ("tls.certificate", Checklist.Probe.tlsCertificate), ("env.complete", .envComplete),
            ("arabic.rendering", .arabicFontShaping),
        ] {
            await record(id) {
                // Arabic rendering is checked where the checklist asks for it (a project that serves Arabic).
                if probe == .arabicFontShaping, !checklistProbes.contains(.arabicFontShaping) { return [] }
                let outcome = await probes.run(probe, now: now)
                return [
                    PreflightResult(
                        id: id, subject: probe == .envComplete ? nil : request.domain, title: Self.title(id),
                        status: Self.status(outcome.verdict), message: outcome.message,
                        fix: probe == .tlsCertificate || probe == .arabicFontShaping
                            ? Self.domainFix : nil,
                        file: request.domain == nil ? projectFile : nil)
                ]
            }
        }

        await record("webhook.reachable") {
            await webhookReachable(plan, project: scope.project, environment: scope.environment, overrides: overrides)
        }

        let elapsed = ContinuousClock.now - started
        return PreflightReport(
            project: scope.project, environment: scope.environment, results: results, startedAt: now,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    /// The receiver answers its health check, and accepts a test delivery signed the way the first provider with a
    /// stored signing secret signs (the event, of type `sheen.preflight`, is stored like any other and changes nothing).
    func webhookReachable(
        _ plan: Plan, project: String, environment: DeploymentEnvironment,
        overrides: ChecklistService.ProbeOverrides
    ) async -> [PreflightResult] {
        guard let first = plan.webhooks.first?.url else { return [] }
        let base = first.components(separatedBy: "/v1/webhooks/").first ?? first
        let fetcher = GuardedFetcher(
            policy: overrides.policy, resolver: LDNSHostResolver(overrides.dns), trust: overrides.trust,
            maxBytes: 1 << 16, allowHTTP: overrides.policy.allowsLoopback)
        let title = Self.title("webhook.reachable")
        let fix = LocalizedText(
            en: "run `sheen serve` where webhooks.public_url points, reachable from the internet",
            ar: "شغّل `sheen serve` حيث يشير webhooks.public_url ويمكن الوصول إليه من الإنترنت")
        do {
            _ = try await fetcher.get(base + "/healthz")
        } catch {
            return [
                PreflightResult(
                    id: "webhook.reachable", subject: base, title: title, status: .fail,
                    message: LocalizedText(en: "\(error)", ar: "\(error)"), fix: fix)
            ]
        }
        for endpoint in plan.webhooks where !endpoint.tokenInURL {
            guard let connections, let url = endpoint.url,
                let manifest = apply.catalog.providers[endpoint.provider], let webhooks = manifest.webhooks,
                let field = webhooks.secretField,
                let found = try? await connections.find(
                    project: project, provider: endpoint.provider, alias: endpoint.alias, environment: environment),
                let secret = try? await connections.credentials(of: found.connection)[field], !secret.isEmpty,
                let scheme = WebhookScheme(id: webhooks.scheme.rawValue)
            else { continue }
            let id = "sheen_preflight_\(Int(Date().timeIntervalSince1970))"
            let body = Data(
                #"{"id":"evt_\#(id)","object":"event","type":"sheen.preflight","created":\#(Int(Date().timeIntervalSince1970)),"livemode":false,"data":{"object":{"id":"\#(id)"}}}"#
                    .utf8)
            guard
                let signed = try? await WebhookVerifier().sign(
                    body: body, scheme: scheme, secret: secret, id: "msg_\(id)", url: url)
            else { continue }
            let headers = signed.headers.fields.map { ($0.name, $0.value) } + [("Content-Type", "application/json")]
            do {
                let (status, _) = try await fetcher.post(signed.url ?? url, headers: headers, body: signed.body)
                let ok = (200..<300).contains(status)
                return [
                    PreflightResult(
                        id: "webhook.reachable", subject: url, title: title, status: ok ? .pass : .fail,
                        message: ok
                            ? LocalizedText(
                                en:
                                    "the receiver accepted a test delivery signed as \(endpoint.provider) signs (HTTP \(status))",
                                ar: "قبل المستقبل إشعارًا تجريبيًا موقّعًا كما يوقّع \(endpoint.provider) (HTTP \(status))")
                            : LocalizedText(
                                en:
                                    "the receiver answered a test delivery signed as \(endpoint.provider) signs with HTTP \(status)",
                                ar:
                                    "أجاب المستقبل على إشعار تجريبي موقّع كما يوقّع \(endpoint.provider) بـ HTTP \(status)"
                            ),
                        fix: ok ? nil : fix)
                ]
            } catch {
                return [
                    PreflightResult(
                        id: "webhook.reachable", subject: url, title: title, status: .fail,
                        message: LocalizedText(en: "\(error)", ar: "\(error)"), fix: fix)
                ]
            }
        }
        return [
            PreflightResult(
                id: "webhook.reachable", subject: base, title: title, status: .warn,
                message: LocalizedText(
                    en: "\(base) answers its health check; no stored signing secret to sign a test delivery with",
                    ar: "يجيب \(base) على فحص الصحة؛ ولا سر توقيع مخزّن لتوقيع إشعار تجريبي"),
                fix: LocalizedText(
                    en:
                        "store the provider's webhook signing secret (`sheen connections rotate … --field webhook_secret=…`)",
                    ar: "خزّن سر توقيع الإشعارات للمزوّد (`sheen connections rotate … --field webhook_secret=…`)"))
        ]
    }

    static let domainFix = LocalizedText(
        en: "set `domain:` in sheen.yaml, point its DNS at the deployment and serve it over HTTPS",
        ar: "حدّد `domain:` في sheen.yaml ووجّه DNS إلى بيئة النشر وقدّمه عبر HTTPS")

    static func status(_ verdict: ProbeOutcome.Verdict) -> PreflightResult.Status {
        switch verdict {
        case .pass: .pass
        case .warn: .warn
        case .fail: .fail
        case .unknown: .unknown
        }
    }

    /// Runs `runner`'s create for `node` once, outside the journal; the failure's message, or `nil` on success.
    static func call(
        _ runner: any StepRunner, _ node: Plan.Node, scope: StoreScope, bound: [Connection],
        through connections: ConnectionService?
    ) async -> String? {
        let access =
            node.connection.flatMap { reference in bound.first { $0.reference == reference } }.map {
                ApplyService.access(to: $0, through: connections)
            } ?? .none
        let context = StepContext(
            stepID: node.id, kind: node.kind, provider: node.provider, environment: scope.environment,
            inputs: node.inputs, connection: node.connection, inputHash: node.inputHash,
            idempotencyKey: "preflight-\(node.id)", clock: SystemClock(), credentials: access)
        do {
            _ = try await runner.create(context)
            return nil
        } catch let failure as StepFailure {
            return failure.message
        } catch {
            return "\(error)"
        }
    }

    /// The DNS records providers asked for (a step's `dns_records` output: `TYPE name value [priority]; …`), each
    /// looked up and compared.
    static func dnsRecords(_ snapshot: StoreSnapshot, lookup: DNSLookup) async -> [PreflightResult] {
        var made: [PreflightResult] = []
        for state in snapshot.states.values.sorted(by: { $0.stepID < $1.stepID }) {
            guard let text = state.outputs["dns_records"], !text.isEmpty else { continue }
            for entry in text.components(separatedBy: "; ") {
                let parts = entry.split(separator: " ", maxSplits: 2).map(String.init)
                guard parts.count == 3, let type = DNSLookup.RecordType(rawValue: parts[0].uppercased()) else {
                    continue
                }
                // Providers give names relative to the domain (`send`, `resend._domainkey`), as DNS hosts take them.
                let domain = state.outputs["domain"] ?? ""
                let relative = parts[1]
                let name =
                    domain.isEmpty || relative == domain || relative.hasSuffix("." + domain)
                    ? relative : "\(relative).\(domain)"
                let wanted = parts[2]
                let title = title("dns.records")
                do {
                    let answer = try await lookup.query(name, type)
                    let normalized = answer.records.map(Self.normalize)
                    let found =
                        normalized.contains(Self.normalize(wanted))
                        || normalized.contains { $0.hasSuffix(" " + Self.normalize(wanted)) }
                    made.append(
                        PreflightResult(
                            id: "dns.records", subject: "\(type.rawValue) \(name)", title: title,
                            status: found ? .pass : .fail,
                            message: found
                                ? LocalizedText(
                                    en: "\(name) has the \(type.rawValue) record \(state.stepID) asked for",
                                    ar: "للاسم \(name) سجل \(type.rawValue) الذي طلبته \(state.stepID)")
                                : LocalizedText(
                                    en:
                                        "\(name) lacks \(type.rawValue) \(wanted) (asked for by \(state.stepID); DNS answers \(answer.records.isEmpty ? answer.rcode : answer.records.joined(separator: ", ")))",
                                    ar: "ينقص \(name) السجل \(type.rawValue) \(wanted) (طلبته \(state.stepID))"),
                            fix: LocalizedText(
                                en: "publish \(type.rawValue) \(name) \(wanted) at your DNS host",
                                ar: "انشر \(type.rawValue) \(name) \(wanted) لدى مزوّد DNS")))
                } catch {
                    made.append(
                        PreflightResult(
                            id: "dns.records", subject: "\(type.rawValue) \(name)", title: title, status: .unknown,
                            message: LocalizedText(en: "\(error)", ar: "\(error)")))
                }
            }
        }
        return made
    }

    /// Compares records as text: lower case, no quotes, no trailing dot.
    static func normalize(_ text: String) -> String {
        var value = text.lowercased().replacingOccurrences(of: "\"", with: "")
        if value.hasSuffix(".") { value.removeLast() }
        return value.trimmingCharacters(in: .whitespaces)
    }

    /// The title of check `id` (every id in ``checkIDs`` has one).
    public static func title(_ id: String) -> LocalizedText { titles[id] ?? LocalizedText(en: id, ar: id) }

    public static let titles: [String: LocalizedText] = [
        "connections.present": LocalizedText(en: "Connection present", ar: "الاتصال موجود"),
        "credentials.valid": LocalizedText(
            en: "Credentials complete for the environment", ar: "بيانات الاعتماد مكتملة للبيئة"),
        "credentials.live": LocalizedText(
            en: "Credentials accepted by the provider", ar: "قبول المزوّد لبيانات الاعتماد"),
        "credentials.scopes": LocalizedText(en: "Required scopes", ar: "الصلاحيات المطلوبة"),
        "coverage.markets": LocalizedText(
            en: "Markets, currencies and payment methods covered", ar: "تغطية الأسواق والعملات وطرق الدفع"),
        "residency.region": LocalizedText(en: "Data residency of the region", ar: "إقامة البيانات في المنطقة"),
        "dns.records": LocalizedText(en: "DNS records providers asked for", ar: "سجلات DNS التي طلبها المزوّدون"),
        "tls.certificate": LocalizedText(en: "TLS certificate of the domain", ar: "شهادة TLS للنطاق"),
        "webhook.reachable": LocalizedText(en: "Webhook endpoint reachable", ar: "إمكانية الوصول إلى نقطة الإشعارات"),
        "env.complete": LocalizedText(en: "Environment variables present", ar: "متغيرات البيئة موجودة"),
        "arabic.rendering": LocalizedText(en: "Arabic rendering", ar: "عرض العربية"),
    ]
}
