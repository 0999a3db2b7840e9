import Foundation
import Hummingbird

/// What the Azure simulator knows: the access tokens it issued, and which regions the subscription may use.
public struct AzureWorld: SimulatorWorld {
    public var tokens: [String: Date] = [:]
    /// Regions listed for the subscription; a restricted region (UAE Central is granted by request) is left out.
    public var locations: [String] = []
    public var ledger: [LedgerEntry] = []

    public init() {}
}

/// A local Microsoft Entra token endpoint and Azure Resource Manager for the calls Sheen makes: the client-credentials
/// grant (`POST /{tenant}/oauth2/v2.0/token`, errors as `{"error", "error_description": "AADSTS…"}`), the
/// subscription (`GET /subscriptions/{id}`) and its locations (`GET /subscriptions/{id}/locations`), each needing
/// `api-version` and a token it issued; ARM errors as `{"error": {"code", "message"}}`. Unconfirmed, kept here: the
/// AADSTS numbers are those Entra documents for each case; the location metadata beyond `name` and `displayName`.
public struct AzureSimulator: Sendable {
    public static let tenantID = "00000000-5eed-4a11-8000-000000000001"
    public static let clientID = "00000000-5eed-4a11-8000-000000000002"
    public static let clientSecret = "sheen~sandbox~azure~client~secret~0000"
    public static let subscriptionID = "00000000-5eed-4a11-8000-000000000003"
    public static let regions: [(name: String, display: String, geography: String)] = [
        ("uaenorth", "UAE North", "UAE"), ("uaecentral", "UAE Central", "UAE"),
        ("qatarcentral", "Qatar Central", "Qatar"),
        ("israelcentral", "Israel Central", "Israel"), ("westeurope", "West Europe", "Europe"),
        ("eastus", "East US", "United States"),
    ]

    public let store: SimulatorStore<AzureWorld>
    public let faults: Faults
    public let requests = RequestCounter()

    public init(stateFile: String? = nil, faults: Faults = Faults(), restricted: [String] = []) throws {
        var initial = AzureWorld()
        initial.locations = Self.regions.map(\.name).filter { !restricted.contains($0) }
        store = try SimulatorStore(file: stateFile, initial: initial)
        self.faults = faults
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post(":tenant/oauth2/v2.0/token") { request, context in
            let tenant = context.parameters.get("tenant") ?? ""
            let form = Dictionary(
                FormText.decode(String(decoding: await SimulatorHTTP.body(request), as: UTF8.self))
            ) { first, _ in first }
            if let fault = await faultResponse() { return fault }
            guard tenant == Self.tenantID else {
                return Self.entraError(400, "invalid_request", "AADSTS90002: Tenant '\(tenant)' not found.")
            }
            guard form["grant_type"] == "client_credentials" else {
                return Self.entraError(
                    400, "unsupported_grant_type", "AADSTS70003: The app requested an unsupported grant type.")
            }
            guard form["client_id"] == Self.clientID else {
                return Self.entraError(
                    400, "unauthorized_client",
                    "AADSTS700016: Application with identifier '\(form["client_id"] ?? "")' was not found in the directory."
                )
            }
            guard form["client_secret"] == Self.clientSecret else {
                return Self.entraError(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.")
            }
            guard form["scope"] == "https://management.azure.com/.default" else {
                return Self.entraError(
                    400, "invalid_scope", "AADSTS1002012: The provided value for scope is not valid.")
            }
            let token = SimulatorHTTP.token(48)
            _ = try? await store.mutate { $0.tokens[token] = Date().addingTimeInterval(3599) }
            return SimulatorHTTP.response(
                200,
                (try? SimulatorHTTP.json([
                    "token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": token,
                ])) ?? Data())
        }
        router.get("subscriptions/:subscription") { request, context in
            let id = context.parameters.get("subscription") ?? ""
            return await arm(request, subscription: id) {
                try SimulatorHTTP.json([
                    "id": "/subscriptions/\(id)", "subscriptionId": id, "tenantId": Self.tenantID,
                    "displayName": "Sheen sandbox", "state": "Enabled",
                ])
            }
        }
        router.get("subscriptions/:subscription/locations") { request, context in
            let id = context.parameters.get("subscription") ?? ""
            return await arm(request, subscription: id) {
                let listed = await store.read(\.locations)
                let value: [[String: any Sendable]] = Self.regions.filter { listed.contains($0.name) }.map {
                    [
                        "id": "/subscriptions/\(id)/locations/\($0.name)", "name": $0.name,
                        "displayName": $0.display, "type": "Region",
                        "metadata": ["regionType": "Physical", "geography": $0.geography],
                    ]
                }
                return try SimulatorHTTP.json(["value": value])
            }
        }
        return router
    }

    func faultResponse() async -> Response? {
        switch await SimulatorHTTP.prelude(faults, requests) {
        case .rateLimited:
            return Self.armError(
                429, "TooManyRequests", "The request is being throttled.", headers: ["Retry-After": "1"])
        case .dropped: return SimulatorHTTP.dropped()
        case .serverError: return Self.armError(500, "InternalServerError", "Encountered internal server error.")
        case nil: return nil
        }
    }

    /// Faults, `api-version`, the token and the subscription, then `body`.
    func arm(_ request: Request, subscription: String, _ body: @Sendable () async throws -> Data) async -> Response {
        if let fault = await faultResponse() { return fault }
        guard request.uri.queryParameters.get("api-version") != nil else {
            return Self.armError(
                400, "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests.")
        }
        let now = Date()
        guard let token = SimulatorHTTP.bearer(request), let expiry = await store.read({ $0.tokens[token] }),
            expiry > now
        else {
            return Self.armError(
                401, "InvalidAuthenticationToken",
                "The access token is invalid or expired; obtain a new one from the tenant's token endpoint.")
        }
        guard subscription == Self.subscriptionID else {
            return Self.armError(404, "SubscriptionNotFound", "The subscription '\(subscription)' could not be found.")
        }
        do {
            return SimulatorHTTP.response(200, try await body())
        } catch {
            return Self.armError(500, "InternalServerError", "Encountered internal server error.")
        }
    }

    static func entraError(_ status: Int, _ error: String, _ description: String) -> Response {
        SimulatorHTTP.response(
            status, (try? SimulatorHTTP.json(["error": error, "error_description": description])) ?? Data())
    }

    static func armError(_ status: Int, _ code: String, _ message: String, headers: [String: String] = [:]) -> Response
    {
        SimulatorHTTP.response(
            status, (try? SimulatorHTTP.json(["error": ["code": code, "message": message]])) ?? Data(), headers: headers
        )
    }
}
