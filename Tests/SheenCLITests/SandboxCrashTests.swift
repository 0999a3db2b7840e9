import Foundation
import SheenAuth
import SheenSimulator
import Testing

/// The adapters' crash promise: `sheen apply` SIGKILLed while a simulator holds its answer after committing the side
/// effect (the worst moment: the provider acted, Sheen never heard), then `sheen resume`, leaves exactly one side
/// effect in the simulator's ledger, and the step succeeded. An `observe` that found nothing would show two.
@Suite("Provider steps under SIGKILL", .serialized)
struct SandboxCrashTests {
    /// One step kind to kill: its recipe and market, the simulator, and how to count its side effect.
    struct Target: Sendable, CustomStringConvertible {
        let kind: String
        let recipe: String
        let market: String
        let provider: String
        let credentials: [String: String]
        let holdPath: String
        let ledgerKind: String
        /// How many side effects the step makes (Infobip submits each template in each language).
        var count = 1
        /// `pins:` for the project file, for a provider no recipe picks by default (Twilio).
        var pins = "{}"
        var description: String { kind }
    }

    static let targets: [Target] = [
        Target(
            kind: "stripe.webhook-endpoint", recipe: "global-saas", market: "AE", provider: "stripe",
            credentials: ["secret_key": StripeSimulator.secretKey, "publishable_key": StripeSimulator.publishableKey],
            holdPath: "/v1/webhook_endpoints", ledgerKind: "webhook_endpoint.created"),
        Target(
            kind: "stripe.test-payment", recipe: "global-saas", market: "AE", provider: "stripe",
            credentials: ["secret_key": StripeSimulator.secretKey, "publishable_key": StripeSimulator.publishableKey],
            holdPath: "/v1/payment_intents", ledgerKind: "payment_intent.created"),
        Target(
            kind: "tap.test-charge", recipe: "arabic-ecommerce", market: "SA", provider: "tap",
            credentials: ["secret_key": TapSimulator.secretKey, "public_key": TapSimulator.publishableKey],
            holdPath: "/v2/charges", ledgerKind: "charge.created"),
        Target(
            kind: "tabby.register-webhook", recipe: "arabic-ecommerce", market: "SA", provider: "tabby",
            credentials: [
                "secret_key": TabbySimulator.secretKey, "public_key": TabbySimulator.publicKey,
                "merchant_code": TabbySimulator.merchantCode,
            ], holdPath: "/api/v1/webhooks", ledgerKind: "webhook.created"),
        Target(
            kind: "tabby.test-checkout", recipe: "arabic-ecommerce", market: "SA", provider: "tabby",
            credentials: [
                "secret_key": TabbySimulator.secretKey, "public_key": TabbySimulator.publicKey,
                "merchant_code": TabbySimulator.merchantCode,
            ], holdPath: "/api/v2/checkout", ledgerKind: "checkout.created"),
        Target(
            kind: "unifonic.test-otp", recipe: "arabic-ecommerce", market: "SA", provider: "unifonic",
            credentials: ["app_sid": UnifonicSimulator.appSid, "sender_id": UnifonicSimulator.senderID],
            holdPath: "/rest/SMS/messages", ledgerKind: "message.sent"),
        Target(
            kind: "resend.domain", recipe: "arabic-ecommerce", market: "SA", provider: "resend",
            credentials: ["api_key": ResendSimulator.apiKey], holdPath: "/domains", ledgerKind: "domain.created"),
        Target(
            kind: "resend.webhook", recipe: "arabic-ecommerce", market: "SA", provider: "resend",
            credentials: ["api_key": ResendSimulator.apiKey], holdPath: "/webhooks", ledgerKind: "webhook.created"),
        Target(
            kind: "aramex.test-label", recipe: "arabic-ecommerce", market: "EG", provider: "aramex",
            credentials: AramexSimulator.credentials, holdPath: "/ShippingAPI.V2/Shipping",
            ledgerKind: "shipment.created"),
        Target(
            kind: "infobip.submit-templates", recipe: "arabic-ecommerce", market: "SA", provider: "infobip",
            credentials: Sandbox.provider("infobip")?.credentials ?? [:], holdPath: "/whatsapp/2/senders",
            ledgerKind: "template.submitted", count: 4),
        Target(
            kind: "twilio.test-sms", recipe: "saas-mena", market: "AE", provider: "twilio",
            credentials: Sandbox.provider("twilio")?.credentials ?? [:], holdPath: "/2010-04-01",
            ledgerKind: "message.created", pins: "{ sms: twilio }"),
        Target(
            kind: "openai.test-completion", recipe: "ai-application", market: "AE", provider: "openai",
            credentials: Sandbox.provider("openai")?.credentials ?? [:], holdPath: "/v1/chat/completions",
            ledgerKind: "completion.created"),
        Target(
            kind: "posthog.test-event", recipe: "ai-application", market: "AE", provider: "posthog",
            credentials: Sandbox.provider("posthog")?.credentials ?? [:], holdPath: "/i/v0/e",
            ledgerKind: "event.captured"),
        Target(
            kind: "paymob.test-intention", recipe: "arabic-ecommerce", market: "EG", provider: "paymob",
            credentials: [
                "secret_key": PaymobSimulator.secretKey, "public_key": PaymobSimulator.publicKey,
                "hmac_secret": PaymobSimulator.hmacSecret,
            ], holdPath: "/v1/intention", ledgerKind: "intention.created"),
        Target(
            kind: "sentry.test-envelope", recipe: "ai-application", market: "AE", provider: "sentry",
            credentials: Sandbox.provider("sentry")?.credentials ?? [:], holdPath: "/api", ledgerKind: "event.ingested"),
        Target(
            kind: "clerk.allowed-origins", recipe: "ai-application", market: "AE", provider: "clerk",
            credentials: Sandbox.provider("clerk")?.credentials ?? [:], holdPath: "/v1/instance",
            ledgerKind: "instance.updated"),
        Target(
            kind: "cloudinary.arabic-overlay-preset", recipe: "ai-application", market: "AE", provider: "cloudinary",
            credentials: Sandbox.provider("cloudinary")?.credentials ?? [:], holdPath: "/upload_presets",
            ledgerKind: "preset.created"),
        Target(
            kind: "vercel.project", recipe: "global-saas", market: "AE", provider: "vercel",
            credentials: Sandbox.provider("vercel")?.credentials ?? [:], holdPath: "/v11/projects",
            ledgerKind: "project.created"),
        Target(
            kind: "cloudflare.dns-records", recipe: "global-saas", market: "SA", provider: "cloudflare",
            credentials: Sandbox.provider("cloudflare")?.credentials ?? [:], holdPath: "/client/v4/zones/dns_records",
            ledgerKind: "dns_record.created", count: 3),
        Target(
            kind: "supabase.project", recipe: "saas-mena", market: "SA", provider: "supabase",
            credentials: Sandbox.provider("supabase")?.credentials ?? [:], holdPath: "/v1/projects",
            ledgerKind: "project.created"),
        Target(
            kind: "arabic-search.index", recipe: "arabic-ecommerce", market: "SA", provider: "arabic-search",
            credentials: Sandbox.provider("arabic-search")?.credentials ?? [:], holdPath: "/index",
            ledgerKind: "index.created"),
        Target(
            kind: "auth0.sso-connection", recipe: "enterprise-b2b", market: "AE", provider: "auth0",
            credentials: Sandbox.provider("auth0")?.credentials ?? [:], holdPath: "/api/v2/connections",
            ledgerKind: "connection.created"),
    ]

    /// Starts `target`'s simulator in this process, holding answers on its path; returns the server and a ledger
    /// counter.
    static func simulator(
        _ target: Target, faults: Faults
    ) async throws -> (LoopbackServer, @Sendable () async -> [String]) {
        let (server, ledger, _) = try await Sandbox.simulate(target.provider, faults: faults)
        return (server, { await ledger().map(\.kind) })
    }

    @Test(
        "killed while the provider holds its committed answer, resumed: one side effect, step done", arguments: targets)
    func killAtTheWorstMoment(target: Target) async throws {
        let faults = Faults(FaultPlan(holdAfterCommitMilliseconds: 60_000, holdPathPrefix: target.holdPath))
        let (server, ledger) = try await Self.simulator(target, faults: faults)
        defer { server.stop() }
        let (directory, environment) = try await SandboxProject.make(
            recipe: target.recipe, markets: [target.market], pins: target.pins,
            simulators: [(target.provider, server.port, target.credentials)])
        defer { try? FileManager.default.removeItem(at: directory) }

        let process = try SandboxProject.apply(in: directory, environment: environment)
        // The side effect is committed and its answer held: kill now.
        var committed = false
        for _ in 0..<1500 where !committed {
            committed = await ledger().contains(target.ledgerKind)
            if !committed { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(committed, "\(target.kind): the simulator never saw the call")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)

        faults.set(FaultPlan())
        let resumed = try await SheenBinary.run(
            ["resume", "--continue-on-error"], in: directory, environment: environment)
        #expect(resumed.stdout.contains("✓ \(target.kind)"), "\(target.kind): \(resumed.stdout)\(resumed.stderr)")
        let kinds = await ledger()
        #expect(kinds.count { $0 == target.ledgerKind } == target.count, "\(target.kind): \(kinds)")
    }
}

/// The same promise at instants nobody chose: `sheen apply` of arabic-ecommerce in Saudi Arabia, Kuwait and Egypt
/// against the Tap, Paymob and Tabby simulators, SIGKILLed after a seeded random delay (before the journal opens,
/// mid-call, mid-poll, between steps), then resumed to the end: each side effect exactly once. Each trial starts
/// from nothing, so every instant falls inside a first apply.
@Suite("Provider steps under SIGKILL at seeded random instants", .serialized)
struct SandboxRandomKillTests {
    static let credentials: [String: [String: String]] = [
        "tap": ["secret_key": TapSimulator.secretKey, "public_key": TapSimulator.publishableKey],
        "paymob": [
            "secret_key": PaymobSimulator.secretKey, "public_key": PaymobSimulator.publicKey,
            "hmac_secret": PaymobSimulator.hmacSecret,
        ],
        "tabby": [
            "secret_key": TabbySimulator.secretKey, "public_key": TabbySimulator.publicKey,
            "merchant_code": TabbySimulator.merchantCode,
        ],
    ]

    /// The seeded instants, in milliseconds after `sheen apply` starts: spread over the whole of a first apply.
    static let instants: [Int] = {
        var random = SplitMix64(seed: 20_261_129)
        return (0..<6).map { _ in Int(random.next() % 700) + 100 }
    }()

    @Test(
        "killed at a seeded instant, resumed: one charge, one intention, one webhook registration, one checkout captured once",
        arguments: instants)
    func randomKill(instant: Int) async throws {
        // Latency spreads the apply over about a second, so the instants land inside it.
        let faults = Faults(FaultPlan(latencyMilliseconds: 100))
        let tap = try TapSimulator(faults: faults)
        let paymob = try PaymobSimulator(faults: faults)
        let tabby = try TabbySimulator(faults: faults)
        let servers = [
            ("tap", try await LoopbackServer.start(tap.router())),
            ("paymob", try await LoopbackServer.start(paymob.router())),
            ("tabby", try await LoopbackServer.start(tabby.router())),
        ]
        defer { for (_, server) in servers { server.stop() } }
        let (directory, environment) = try await SandboxProject.make(
            recipe: "arabic-ecommerce", markets: ["SA", "KW", "EG"],
            simulators: servers.map { ($0.0, $0.1.port, Self.credentials[$0.0] ?? [:]) })
        defer { try? FileManager.default.removeItem(at: directory) }

        let process = try SandboxProject.apply(in: directory, environment: environment)
        try await Task.sleep(for: .milliseconds(instant))
        kill(process.processIdentifier, SIGKILL)
        await Task.detached { process.waitUntilExit() }.value
        let atKill = (await tap.store.read { $0.ledger.map(\.kind) }, await paymob.store.read { $0.ledger.map(\.kind) })

        _ = try await SheenBinary.run(["resume", "--continue-on-error"], in: directory, environment: environment)
        let created = (
            await tap.store.read { $0.ledger.count { $0.kind == "charge.created" } },
            await paymob.store.read { $0.ledger.count { $0.kind == "intention.created" } },
            await tabby.store.read { $0.ledger.count { $0.kind == "webhook.created" } },
            await tabby.store.read { $0.ledger.count { $0.kind == "checkout.created" } },
            await tabby.store.read { $0.ledger.count { $0.kind == "payment.captured" } }
        )
        #expect(created == (1, 1, 1, 1, 1), "killed at \(instant) ms, ledgers then \(atKill)")
        let state = try await SheenBinary.run(["state", "list"], in: directory, environment: environment)
        let rows = state.stdout.split(separator: "\n")
        for kind in ["tap.test-charge", "paymob.test-intention", "tabby.register-webhook", "tabby.test-checkout"] {
            #expect(rows.contains { $0.contains(kind) && $0.contains("succeeded") }, "\(state.stdout)")
        }
    }
}

/// A project directory as a user sets one up for the sandbox: `sheen init`, the receiver's public URL (port 9:
/// deliveries fail, only registrations and ledgers matter here), and a sandbox connection per simulator, its fields
/// read from the environment returned.
enum SandboxProject {
    static func make(
        recipe: String, markets: [String], pins: String = "{}",
        simulators: [(provider: String, port: Int, credentials: [String: String])]
    ) async throws -> (URL, [String: String]) {
        let directory = try SheenBinary.temporaryDirectory()
        var environment = ["SHEEN_KEYRING": directory.appendingPathComponent("k/keyring.json").path]
        let initialised = try await SheenBinary.run(
            ["init", recipe] + markets.flatMap { ["--market", $0] }, in: directory)
        #expect(initialised.status == 0, "\(initialised.stderr)")
        let file = directory.appendingPathComponent("sheen.yaml")
        let written = try String(contentsOf: file, encoding: .utf8)
            .replacingOccurrences(of: "\npins: {}\n", with: "\npins: \(pins)\n")
        try (written + "\nwebhooks: { public_url: http://127.0.0.1:9 }\n").write(
            to: file, atomically: true, encoding: .utf8)
        for (provider, port, credentials) in simulators {
            var connect = ["connect", provider, "--env", "dev", "--sandbox", "--base-url", "http://127.0.0.1:\(port)"]
            for (field, value) in credentials.sorted(by: { $0.key < $1.key }) {
                let variable = "SANDBOX_\(provider.uppercased())_\(field.uppercased())"
                environment[variable] = value
                connect += ["--field", "\(field)=@env:\(variable)"]
            }
            let connected = try await SheenBinary.run(connect, in: directory, environment: environment)
            #expect(connected.status == 0, "\(provider): \(connected.stderr)")
        }
        return (directory, environment)
    }

    /// `sheen apply` started in `directory`, to be killed.
    static func apply(in directory: URL, environment: [String: String]) throws -> Process {
        let process = Process()
        process.executableURL = SheenBinary.url
        process.arguments = ["apply", "--auto-approve", "--continue-on-error"]
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}
