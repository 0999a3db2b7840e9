import SheenEngine
import SheenModel

/// `tap.verify-key`: Tap has no account endpoint, so listing one charge is the cheapest call that needs a valid key;
/// Tap answers error 1101 when the key belongs to the other environment. Reads only.
struct TapVerifyKeyRunner: StepRunner {
    func observe(_ context: StepContext) async throws -> StepResult? { try await create(context) }

    func create(_ context: StepContext) async throws -> StepResult {
        let api = try await TapAPI.open(context)
        let live = api.secretKey.hasPrefix("sk_live_")
        // A sandbox connection (the only kind with its own base URL) holds test keys in every environment.
        let wantsLive = context.environment == .prod && context.credentials.baseURL == nil
        guard live == wantsLive else {
            throw StepFailure(
                .invalid,
                message:
                    "the Tap key is a \(live ? "live" : "test") key, but \(context.environment.rawValue) needs a \(live ? "test" : "live") one"
            )
        }
        _ = try await api.post("/v2/charges/list", ["limit": 1], as: TapChargeList.self)
        return StepResult(outputs: ["mode": live ? "live" : "test"])
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}
}
