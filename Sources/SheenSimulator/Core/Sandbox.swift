import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore
import NIOHTTP1
import SheenAuth

/// The simulators `sheen sandbox` runs, each on its own loopback port (`portBase` + its index, so `sheen sandbox
/// connect` knows where they are), with its state and ledger in `directory/<provider>.json`.
public struct Sandbox: Sendable {
    /// One simulated provider: how to build it, and the test credentials it accepts.
    public struct Provider: Sendable {
        public let id: String
        public let credentials: [String: String]
        let make: @Sendable (_ stateFile: String?, _ faults: Faults) throws -> Simulation
    }

    /// A simulator's routes and a reader of its ledger, whichever provider it stands for.
    public struct Simulation {
        public let router: Router<BasicRequestContext>
        public let ledger: @Sendable () async -> [LedgerEntry]
        public let requests: RequestCounter

        init<S: Simulator>(_ simulator: S) {
            router = simulator.router()
            ledger = { await simulator.store.read { $0.ledger } }
            requests = simulator.requests
        }
    }

    /// Every simulator, in port order (a new one is appended, so existing ports stay put).
    public static let providers: [Provider] = [
        Provider(
            id: "stripe",
            credentials: ["secret_key": StripeSimulator.secretKey, "publishable_key": StripeSimulator.publishableKey],
            make: { file, faults in Simulation(try StripeSimulator(stateFile: file, faults: faults)) }),
        Provider(
            id: "tap", credentials: ["secret_key": TapSimulator.secretKey, "public_key": TapSimulator.publishableKey],
            make: { file, faults in Simulation(try TapSimulator(stateFile: file, faults: faults)) }),
        Provider(
            id: "tabby",
            credentials: [
                "secret_key": TabbySimulator.secretKey, "public_key": TabbySimulator.publicKey,
                "merchant_code": TabbySimulator.merchantCode,
            ],
            make: { file, faults in Simulation(try TabbySimulator(stateFile: file, faults: faults)) }),
        Provider(
            id: "paymob",
            credentials: [
                "secret_key": PaymobSimulator.secretKey, "public_key": PaymobSimulator.publicKey,
                "hmac_secret": PaymobSimulator.hmacSecret,
            ],
            make: { file, faults in Simulation(try PaymobSimulator(stateFile: file, faults: faults)) }),
        Provider(
            id: "unifonic",
            credentials: ["app_sid": UnifonicSimulator.appSid, "sender_id": UnifonicSimulator.senderID],
            make: { file, faults in Simulation(try UnifonicSimulator(stateFile: file, faults: faults)) }),
        Provider(
            id: "resend", credentials: ["api_key": ResendSimulator.apiKey],
            make: { file, faults in Simulation(try ResendSimulator(stateFile: file, faults: faults)) }),
        Provider(
            id: "aramex", credentials: AramexSimulator.credentials,
            make: { file, faults in Simulation(try AramexSimulator(stateFile: file, faults: faults)) }),
        Provider(
            id: "infobip",
            credentials: [
                "api_key": InfobipSimulator.apiKey, "base_url": "https://sandbox.api.infobip.com",
                "whatsapp_sender": InfobipSimulator.sender,
            ],
            make: { file, faults in Simulation(try InfobipSimulator(stateFile: file, faults: faults)) }),
        Provider(
            id: "twilio",
            credentials: [
                "account_sid": TwilioSimulator.accountSid, "auth_token": TwilioSimulator.authToken,
                "sender": TwilioSimulator.number,
            ],
            make: { file, faults in Simulation(try TwilioSimulator(stateFile: file, faults: faults)) }),
        Provider(
            id: "openai", credentials: ["api_key": OpenAISimulator.apiKey],
            make: { file, faults in Simulation(try OpenAISimulator(stateFile: file, faults: faults)) }),
        Provider(
            id: "anthropic", credentials: ["api_key": AnthropicSimulator.apiKey],
            make: { file, faults in Simulation(try AnthropicSimulator(stateFile: file, faults: faults)) }),
        Provider(
            id: "posthog", credentials: ["project_api_key": PostHogSimulator.projectKey, "cloud": "eu"],
            make: { file, faults in Simulation(try PostHogSimulator(stateFile: file, faults: faults)) }),
        Provider(
            id: "sentry",
            credentials: [
                "dsn": "https://\(SentrySimulator.publicKey)@o1.ingest.sentry.io/\(SentrySimulator.projectID)"
            ],
            make: { file, faults in Simulation(try SentrySimulator(stateFile: file, faults: faults)) }),
        Provider(
            id: "clerk",
            credentials: ["secret_key": ClerkSimulator.secretKey, "publishable_key": ClerkSimulator.publishableKey],
            make: { file, faults in Simulation(try ClerkSimulator(stateFile: file, faults: faults)) }),
        Provider(
            id: "cloudinary",
            credentials: [
                "cloud_name": "sheen-sandbox", "api_key": CloudinarySimulator.apiKey,
                "api_secret": CloudinarySimulator.apiSecret,
            ],
            make: { file, faults in Simulation(try CloudinarySimulator(stateFile: file, faults: faults)) }),
        Provider(
            id: "vercel", credentials: ["token": VercelSimulator.token],
            make: { file, faults in Simulation(try VercelSimulator(stateFile: file, faults: faults)) }),
        Provider(
            id: "cloudflare",
            credentials: ["api_token": CloudflareSimulator.apiToken, "account_id": CloudflareSimulator.accountID],
            make: { file, faults in Simulation(try CloudflareSimulator(stateFile: file, faults: faults)) }),
        Provider(
            id: "aws",
            credentials: [
                "access_key_id": AWSSimulator.accessKeyID, "secret_access_key": AWSSimulator.secretAccessKey,
            ],
            make: { file, faults in Simulation(try AWSSimulator(stateFile: file, faults: faults)) }),
        Provider(
            id: "azure",
            credentials: [
                "tenant_id": AzureSimulator.tenantID, "client_id": AzureSimulator.clientID,
                "client_secret": AzureSimulator.clientSecret, "subscription_id": AzureSimulator.subscriptionID,
            ],
            make: { file, faults in Simulation(try AzureSimulator(stateFile: file, faults: faults)) }),
        Provider(
            id: "gcp",
            credentials: [
                "service_account_json": GCPSimulator.serviceAccountJSON, "project_id": GCPSimulator.projectID,
            ],
            make: { file, faults in Simulation(try GCPSimulator(stateFile: file, faults: faults)) }),
        Provider(
            id: "supabase",
            credentials: [
                "access_token": SupabaseSimulator.accessToken, "organization_id": SupabaseSimulator.organization,
                "db_password": "sheen-sandbox-database-password",
            ],
            make: { file, faults in Simulation(try SupabaseSimulator(stateFile: file, faults: faults)) }),
        Provider(
            id: "arabic-search",
            credentials: [
                "endpoint": "http://127.0.0.1:9200", "username": SearchClusterSimulator.username,
                "password": SearchClusterSimulator.password,
            ],
            make: { file, faults in Simulation(try SearchClusterSimulator(stateFile: file, faults: faults)) }),
        Provider(
            id: "auth0",
            credentials: [
                "domain": Auth0Simulator.domain, "client_id": Auth0Simulator.clientID,
                "client_secret": Auth0Simulator.clientSecret,
            ],
            make: { file, faults in Simulation(try Auth0Simulator(stateFile: file, faults: faults)) }),
    ]

    public static let defaultPortBase = 4010

    public static func provider(_ id: String) -> Provider? { providers.first { $0.id == id } }

    /// The port `provider` listens on under `portBase`.
    public static func port(of provider: String, portBase: Int) -> Int? {
        providers.firstIndex { $0.id == provider }.map { portBase + $0 }
    }

    /// The state file of `provider` in `directory`.
    public static func stateFile(of provider: String, in directory: String) -> String {
        (directory as NSString).appendingPathComponent("\(provider).json")
    }

    /// A running simulator.
    public struct Running: Sendable {
        public let provider: String
        public let baseURL: String
        public let credentials: [String: String]
        let server: LoopbackServer

        public func stop() { server.stop() }
        public func wait() async { await server.wait() }
    }

    public enum StartError: Error, Sendable, Hashable {
        case unknownProvider(String, known: [String])
        case cannotListen(provider: String, port: Int)
        case unreadableState(provider: String, file: String)
    }

    /// Starts the simulators of `ids` (all when empty) on loopback; `portBase` 0 picks free ports.
    public static func start(
        _ ids: [String] = [], portBase: Int = defaultPortBase, directory: String?, faults: FaultPlan = FaultPlan()
    ) async throws(StartError) -> [Running] {
        let chosen = ids.isEmpty ? providers.map(\.id) : ids
        var running: [Running] = []
        for id in chosen {
            guard let provider = provider(id), let index = providers.firstIndex(where: { $0.id == id }) else {
                for started in running { started.stop() }
                throw .unknownProvider(id, known: providers.map(\.id))
            }
            let file = directory.map { stateFile(of: id, in: $0) }
            let router: Router<BasicRequestContext>
            do {
                router = try provider.make(file, Faults(faults)).router
            } catch {
                for started in running { started.stop() }
                throw .unreadableState(provider: id, file: file ?? "")
            }
            let port = portBase == 0 ? 0 : portBase + index
            let server: LoopbackServer
            do {
                server = try await LoopbackServer.start(router, port: port)
            } catch {
                for started in running { started.stop() }
                throw .cannotListen(provider: id, port: port)
            }
            running.append(
                Running(
                    provider: id, baseURL: "http://127.0.0.1:\(server.port)", credentials: provider.credentials,
                    server: server))
        }
        return running
    }

    /// `provider`'s simulator under `faults`, in this process on a free loopback port, with a reader of its ledger and
    /// its request count: for tests that count side effects and calls.
    public static func simulate(
        _ provider: String, faults: Faults = Faults(), stateFile: String? = nil
    ) async throws -> (server: LoopbackServer, ledger: @Sendable () async -> [LedgerEntry], requests: RequestCounter) {
        guard let entry = self.provider(provider) else {
            throw StartError.unknownProvider(provider, known: providers.map(\.id))
        }
        let simulation = try entry.make(stateFile, faults)
        return (try await LoopbackServer.start(simulation.router), simulation.ledger, simulation.requests)
    }

    /// Sets where `provider`'s simulator posts what a real account is told to post in its dashboard (Infobip's
    /// template reviews), on the simulator serving at `portBase`. `false` when no simulator answered there.
    public static func setNotificationURL(
        _ url: String, provider: String, portBase: Int, http: HTTPClient = .shared
    ) async -> Bool {
        guard provider == "infobip", let port = port(of: provider, portBase: portBase),
            let body = try? JSONSerialization.data(withJSONObject: ["url": url])
        else { return false }
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/sandbox/infobip/notify-url")
        request.method = .PUT
        request.headers.add(name: "Authorization", value: "App \(InfobipSimulator.apiKey)")
        request.body = .bytes(ByteBuffer(bytes: body))
        guard let response = try? await http.execute(request, timeout: .seconds(5)) else { return false }
        _ = try? await response.body.collect(upTo: 1 << 16)
        return response.status.code == 200
    }

    /// What `provider`'s simulator recorded in `directory`, oldest first; empty when it never ran there.
    public static func ledger(of provider: String, in directory: String) throws -> [LedgerEntry] {
        struct Recorded: Decodable { var ledger: [LedgerEntry] }
        guard let data = FileManager.default.contents(atPath: stateFile(of: provider, in: directory)) else { return [] }
        return try JSONDecoder().decode(Recorded.self, from: data).ledger
    }
}
