import Foundation
import Hummingbird

/// A simulator's state: held in memory, written to its file (when it has one) after every change and before the
/// change is answered, so a killed simulator restarts with every side effect it acknowledged or committed.
public actor SimulatorStore<World: SimulatorWorld> {
    public private(set) var world: World
    let file: URL?

    /// Loads `file` when it exists, else starts from `initial`.
    public init(file: String?, initial: World) throws {
        self.file = file.map { URL(fileURLWithPath: $0) }
        if let url = self.file, let data = try? Data(contentsOf: url) {
            world = try JSONDecoder().decode(World.self, from: data)
        } else {
            world = initial
        }
    }

    /// Changes the world and persists it; what `change` returns is the answer to send.
    public func mutate<T: Sendable>(_ change: (inout World) throws -> T) throws -> T {
        var copy = world
        let answer = try change(&copy)
        if let file {
            // Written beside, then renamed over: a reader (or a restart) never sees half a file.
            try JSONEncoder().encode(copy).write(to: file, options: .atomic)
        }
        world = copy
        return answer
    }

    public func read<T: Sendable>(_ body: (World) throws -> T) rethrows -> T { try body(world) }
}

/// One side effect a simulator performed, as tests and `sheen sandbox ledger` count them.
public struct LedgerEntry: Codable, Sendable, Hashable {
    public var sequence: Int
    public var at: Date
    /// `payment_intent.created`, `webhook_endpoint.deleted`, `webhook.delivered`, …
    public var kind: String
    public var id: String
    /// The caller's idempotency key, when it sent one.
    public var idempotencyKey: String?

    public init(sequence: Int, at: Date, kind: String, id: String, idempotencyKey: String? = nil) {
        self.sequence = sequence
        self.at = at
        self.kind = kind
        self.id = id
        self.idempotencyKey = idempotencyKey
    }
}

/// A simulator's state: whatever it models, plus the ledger of what it did.
public protocol SimulatorWorld: Codable, Sendable {
    var ledger: [LedgerEntry] { get set }
}

extension SimulatorWorld {
    /// Appends a side effect to the ledger.
    mutating func record(_ kind: String, _ id: String, key: String? = nil, at date: Date) {
        ledger.append(LedgerEntry(sequence: ledger.count + 1, at: date, kind: kind, id: id, idempotencyKey: key))
    }
}

/// A simulated provider: its state and ledger, and the routes that serve them.
public protocol Simulator: Sendable {
    associatedtype World: SimulatorWorld
    var store: SimulatorStore<World> { get }
    var requests: RequestCounter { get }
    func router() -> Router<BasicRequestContext>
}

extension StripeSimulator: Simulator {}
extension TapSimulator: Simulator {}
extension TabbySimulator: Simulator {}
extension PaymobSimulator: Simulator {}
extension UnifonicSimulator: Simulator {}
extension ResendSimulator: Simulator {}
extension AramexSimulator: Simulator {}
extension InfobipSimulator: Simulator {}
extension TwilioSimulator: Simulator {}
extension OpenAISimulator: Simulator {}
extension AnthropicSimulator: Simulator {}
extension PostHogSimulator: Simulator {}
extension SentrySimulator: Simulator {}
extension ClerkSimulator: Simulator {}
extension CloudinarySimulator: Simulator {}
extension VercelSimulator: Simulator {}
extension CloudflareSimulator: Simulator {}
extension AWSSimulator: Simulator {}
extension AzureSimulator: Simulator {}
extension GCPSimulator: Simulator {}
extension SupabaseSimulator: Simulator {}
extension SearchClusterSimulator: Simulator {}
extension Auth0Simulator: Simulator {}
