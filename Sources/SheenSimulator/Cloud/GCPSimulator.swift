import Foundation
import Hummingbird
import JWTKit

/// What the Google Cloud simulator knows: the access tokens it issued, and which regions the project may use.
public struct GCPWorld: SimulatorWorld {
    public var tokens: [String: Date] = [:]
    /// Compute regions listed for the project; Dammam (`me-central2`) is sold through a local reseller, so a project
    /// without that arrangement does not list it.
    public var regions: [String] = []
    public var ledger: [LedgerEntry] = []

    public init() {}
}

/// A local Google OAuth token endpoint and the two Cloud APIs Sheen reads: the JWT-bearer grant (`POST /token`: an
/// RS256 assertion signed with the service account's key, whose audience is the token URL, at most an hour long),
/// Resource Manager's `GET /v3/projects/{id}` and Compute's `GET /compute/v1/projects/{id}/regions`. Errors as
/// Google's `{"error": {"code", "message", "status"}}`; a project the caller may not read is a 403, as Google answers
/// for one that does not exist. Unconfirmed, kept here: region fields beyond `name` and `status`.
public struct GCPSimulator: Sendable {
    public static let projectID = "sheen-sandbox"
    public static let projectNumber = "123456789012"
    public static let clientEmail = "sheen-sandbox@sheen-sandbox.iam.gserviceaccount.com"
    public static let keyID = "5eed0000000000000000000000000000000000a1"
    /// A key made for the sandbox alone, published here on purpose like Stripe's test keys: it opens nothing but this
    /// simulator. A real connection's key is sealed in the store like every secret.
    public static let privateKeyPEM = """
        -----BEGIN PRIVATE KEY-----
        MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQC3J3ZurfFLXaVd
        smOw1S+T5pBni3hoRu0WJiaTdsN20Yayo6mu22gyUESArhmrjJO4xLRt0J0D6r0v
        Wo9QYZD6nDNGWKGtUVBwcPUB7IaajFh4xXs1FxutoshZQk/stXWtJPsjIIK2NDV9
        j34z6FyIrmtu1KD4db8dzQtvK19Av7raReF+Kyy/4eHbMGoTtvcWY6+A8D3kwiLH
        Xq6kM13qOlyeptXuNgunPewxBT+VULhMVH7suyx8mdX2V7PRti70L2NAnlouxu4g
        xw+KTNu9kAeeitWLp4TEc7rZUVWZiBGaKT6wZcC5Gt53Mf8HfrzZVqUtrTYWe4P0
        bgqxbKMNAgMBAAECggEAGtQtBQl1zxRopND8yWpxDbk4bfKAMMYy9IuiGvfKqh0H
        HiPbN0HsgXJAlpjqKbbt7KLjyzJDzc8U51rco2mnUw6OdD+Hb1v57H6fZSjAjuMA
        ErDa22wHIeg2cNzF2Ga8ViCUqRCaFRaQv1PFqNTguSTTl+iNq9eTp0nh4ub3jQRJ
        MI6Ozd4ZZcSocXYaf0Kud3ZHPcmvl2MHsDuYPMQ8pc1HAXICQi9n4Icx1PHpJE3P
        SYMUmofHUAVwQQ/fLhQ3kHc67YG0SauU3XmW3V8tZeiptCtt+vsbg6udAbOyTUc4
        WRhm1FhwPpQQMU1jBoYgj5YVviBBFrnw8WaACg6wAQKBgQDrn+XW8fYQa/QoIkY3
        dfLOz06E+tNRFpcwH3Kpr5mgs9MbfLHhlilcXgYWz9HPCkL2YF8pG0PML2u6McB8
        ZChYkzpb/rx4dD/FUoCyiGwAWRxfQDBi9DRG4AS/5baxwyXWTJSFLtnYRiLwcJLs
        Dbh6wVLL4XFYBinUjbE6GQPtpQKBgQDG/gIxCwKR/BZOdz82UDAqI/gv9k01T2C7
        h2hhUbU4rZr3WnaP9ybepdRbdLpROxTqQoIve2BJeuuKhyW3e4sgfm3l2d2RNkPI
        /a0TAiTWIwKZ8kUOlKXXhmB0n4gvwhOTMB73dZ6PFrGQBCA9HIRc0kqIi6WzozmW
        WipuBT4zSQKBgQCJg0A4Oe5JlzdfVOF17LhQSlyg72H0qSKDS1c4AOvABjLmj9eg
        uGpbJeSX26GvG2YJNCVVcDwZJnPQrsiP0ERbrVEZ74k/I1k0Z/oEN+oQKfGNBYE3
        vx3jX0pmVEJTbHjgoMDtGXK57fTmLk0QxtErkzgnFON5Y9911VvhdEf+oQKBgQC9
        II5UrnIy7bUFvrCFnpEofCdW7nFTSa5WjcvXMyFaTSYMEh69ldmLo3DBu5+ZtN2c
        CLpTBp/tNrbHYsumJ/WDXKZ23yqG6Vxjmzbz6gW4wG2og2q/AOjefwkNztJREdQp
        AINuDow00wzQJBu/+WqUDgpo3NEQewIwtGG/T5xegQKBgEoSnEgkq1DcI/hCtu1N
        17epI/5qSqGjVodgvlMGPYzrer6KjrYeYMipUlaLmqNUlVVq/95bWl7Yrd8mhWeI
        y9cVX9GcL3l7yt3xi5pbUMySqbpeAWQwB61iKNpX9fh1T0T4V7lK1nd/blm/WThI
        bMGCUZTrXeu6Y0eu/vzBQCRn
        -----END PRIVATE KEY-----
        """
    public static var serviceAccountJSON: String {
        let object: [String: String] = [
            "type": "service_account", "project_id": projectID, "private_key_id": keyID, "private_key": privateKeyPEM,
            "client_email": clientEmail, "token_uri": "https://oauth2.googleapis.com/token",
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
    public static let regionNames = ["me-central1", "me-central2", "me-west1", "europe-west1", "us-central1"]

    public let store: SimulatorStore<GCPWorld>
    public let faults: Faults
    public let requests = RequestCounter()

    public init(stateFile: String? = nil, faults: Faults = Faults(), restricted: [String] = []) throws {
        var initial = GCPWorld()
        initial.regions = Self.regionNames.filter { !restricted.contains($0) }
        store = try SimulatorStore(file: stateFile, initial: initial)
        self.faults = faults
    }

    struct Assertion: JWTPayload {
        var iss: IssuerClaim
        var scope: String
        var aud: AudienceClaim
        var iat: IssuedAtClaim
        var exp: ExpirationClaim

        func verify(using algorithm: some JWTAlgorithm) async throws { try exp.verifyNotExpired() }
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("token") { request, _ in
            let form = Dictionary(
                FormText.decode(String(decoding: await SimulatorHTTP.body(request), as: UTF8.self))
            ) { first, _ in first }
            if let fault = await faultResponse() { return fault }
            guard form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer", let assertion = form["assertion"]
            else {
                return Self.oauthError(400, "unsupported_grant_type", "Invalid grant_type: \(form["grant_type"] ?? "")")
            }
            let keys = JWTKeyCollection()
            guard let key = try? Insecure.RSA.PrivateKey(pem: Self.privateKeyPEM) else {
                return Self.oauthError(500, "internal_failure", "the sandbox key cannot be read")
            }
            await keys.add(rsa: key.publicKey, digestAlgorithm: .sha256, kid: JWKIdentifier(string: Self.keyID))
            guard let claims = try? await keys.verify(assertion, as: Assertion.self) else {
                return Self.oauthError(400, "invalid_grant", "Invalid JWT Signature.")
            }
            guard claims.iss.value == Self.clientEmail else {
                return Self.oauthError(400, "invalid_grant", "Invalid JWT: the issuer is not a known service account.")
            }
            guard claims.aud.value.contains(where: { $0.hasSuffix("/token") }) else {
                return Self.oauthError(
                    400, "invalid_grant",
                    "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe. Check your iat and exp values and use a clock with skew to account for clock differences between systems."
                )
            }
            guard claims.exp.value.timeIntervalSince(claims.iat.value) <= 3600 else {
                return Self.oauthError(
                    400, "invalid_grant",
                    "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.")
            }
            guard claims.scope.split(separator: " ").contains("https://www.googleapis.com/auth/cloud-platform") else {
                return Self.oauthError(400, "invalid_scope", "Invalid OAuth scope or ID token audience provided.")
            }
            let token = "ya29.sandbox." + SimulatorHTTP.token(40)
            _ = try? await store.mutate { $0.tokens[token] = Date().addingTimeInterval(3599) }
            return SimulatorHTTP.response(
                200,
                (try? SimulatorHTTP.json(["access_token": token, "expires_in": 3599, "token_type": "Bearer"])) ?? Data()
            )
        }
        router.get("v3/projects/:project") { request, context in
            let project = context.parameters.get("project") ?? ""
            return await google(request, project: project) {
                try SimulatorHTTP.json([
                    "name": "projects/\(Self.projectNumber)", "projectId": project, "state": "ACTIVE",
                    "displayName": "Sheen sandbox",
                ])
            }
        }
        router.get("compute/v1/projects/:project/regions") { request, context in
            let project = context.parameters.get("project") ?? ""
            return await google(request, project: project) {
                let listed = await store.read(\.regions)
                let items: [[String: any Sendable]] = listed.map {
                    ["kind": "compute#region", "name": $0, "description": $0, "status": "UP"]
                }
                return try SimulatorHTTP.json(["kind": "compute#regionList", "items": items])
            }
        }
        return router
    }

    func faultResponse() async -> Response? {
        switch await SimulatorHTTP.prelude(faults, requests) {
        case .rateLimited:
            return Self.googleError(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Read requests'.")
        case .dropped: return SimulatorHTTP.dropped()
        case .serverError: return Self.googleError(503, "UNAVAILABLE", "The service is currently unavailable.")
        case nil: return nil
        }
    }

    func google(_ request: Request, project: String, _ body: @Sendable () async throws -> Data) async -> Response {
        if let fault = await faultResponse() { return fault }
        guard let token = SimulatorHTTP.bearer(request), let expiry = await store.read({ $0.tokens[token] }),
            expiry > Date()
        else {
            return Self.googleError(
                401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token."
            )
        }
        guard project == Self.projectID else {
            return Self.googleError(
                403, "PERMISSION_DENIED",
                "The caller does not have permission (or project \(project) does not exist).")
        }
        do {
            return SimulatorHTTP.response(200, try await body())
        } catch {
            return Self.googleError(500, "INTERNAL", "Internal error encountered.")
        }
    }

    static func oauthError(_ status: Int, _ error: String, _ description: String) -> Response {
        SimulatorHTTP.response(
            status, (try? SimulatorHTTP.json(["error": error, "error_description": description])) ?? Data())
    }

    static func googleError(_ status: Int, _ code: String, _ message: String) -> Response {
        let error: [String: any Sendable] = ["code": status, "message": message, "status": code]
        return SimulatorHTTP.response(status, (try? SimulatorHTTP.json(["error": error])) ?? Data())
    }
}
