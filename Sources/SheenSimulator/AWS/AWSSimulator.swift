import Foundation
import HTTPTypes
import Hummingbird
import SheenAuth

/// What the AWS simulator knows: which opt-in regions the account has enabled. AWS's reads change nothing, so its
/// ledger stays empty; it is there for the same tooling as every simulator.
public struct AWSWorld: SimulatorWorld {
    /// Region to `RegionOptStatus`; regions not listed are `ENABLED_BY_DEFAULT`.
    public var regions: [String: String] = [:]
    public var ledger: [LedgerEntry] = []

    public init() {}
}

/// A local AWS for the two calls Sheen makes: STS `GetCallerIdentity` (`POST /`, a form body, an XML answer, errors
/// as `<ErrorResponse><Error><Type><Code><Message>`) and the Account API's `GetRegionOptStatus`
/// (`POST /getRegionOptStatus`, JSON, errors named by `x-amzn-ErrorType`). Every request must carry a valid
/// Signature Version 4 for the service it calls, checked with the same ``SigV4`` Sheen signs with (itself held to
/// AWS's published vectors), and dated within 15 minutes. The opt-in regions (Bahrain, UAE, Tel Aviv) start enabled
/// in the sandbox; a test may disable them.
public struct AWSSimulator: Sendable {
    public static let accessKeyID = "AKIASHEENSANDBOX0001"
    public static let secretAccessKey = "sheen/Sandbox/Secret/Access/Key/000000000"
    public static let account = "123456789012"
    /// Regions an account must opt in to (docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html).
    public static let optIn = ["me-south-1", "me-central-1", "il-central-1", "af-south-1", "ap-east-1", "eu-south-1"]

    public let store: SimulatorStore<AWSWorld>
    public let faults: Faults
    public let requests = RequestCounter()
    public let now: @Sendable () -> Date

    public init(
        stateFile: String? = nil, faults: Faults = Faults(), disabledRegions: [String] = [],
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        var initial = AWSWorld()
        for region in Self.optIn { initial.regions[region] = disabledRegions.contains(region) ? "DISABLED" : "ENABLED" }
        store = try SimulatorStore(file: stateFile, initial: initial)
        self.faults = faults
        self.now = now
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/") { request, _ in
            let body = await SimulatorHTTP.body(request)
            if let refusal = await prelude(request, body: body, service: "sts", json: false) { return refusal }
            let form = Dictionary(FormText.decode(String(decoding: body, as: UTF8.self))) { first, _ in first }
            guard form["Action"] == "GetCallerIdentity", form["Version"] == "2011-06-15" else {
                return Self.stsError(
                    400, "InvalidAction",
                    "Could not find operation \(form["Action"] ?? "") for version \(form["Version"] ?? "")")
            }
            let xml = """
                <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                  <GetCallerIdentityResult>
                    <Arn>arn:aws:iam::\(Self.account):user/sheen-sandbox</Arn>
                    <UserId>AIDASHEENSANDBOX00001</UserId>
                    <Account>\(Self.account)</Account>
                  </GetCallerIdentityResult>
                  <ResponseMetadata>
                    <RequestId>\(UUID().uuidString.lowercased())</RequestId>
                  </ResponseMetadata>
                </GetCallerIdentityResponse>
                """
            return SimulatorHTTP.response(200, Data(xml.utf8), headers: ["Content-Type": "text/xml"])
        }
        router.post("getRegionOptStatus") { request, _ in
            let body = await SimulatorHTTP.body(request)
            if let refusal = await prelude(request, body: body, service: "account", json: true) { return refusal }
            let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
            guard let region = object?["RegionName"] as? String, region.split(separator: "-").count == 3 else {
                return Self.jsonError(
                    400, "ValidationException",
                    "1 validation error detected: Value at 'regionName' failed to satisfy constraint")
            }
            let status = await store.read { $0.regions[region] } ?? "ENABLED_BY_DEFAULT"
            return SimulatorHTTP.response(
                200, (try? SimulatorHTTP.json(["RegionName": region, "RegionOptStatus": status])) ?? Data())
        }
        return router
    }

    /// Faults, then the signature: `nil` when the request may proceed.
    func prelude(_ request: Request, body: Data, service: String, json: Bool) async -> Response? {
        switch await SimulatorHTTP.prelude(faults, requests) {
        case .rateLimited:
            return json
                ? Self.jsonError(429, "TooManyRequestsException", "Rate exceeded")
                : Self.stsError(400, "Throttling", "Rate exceeded")
        case .dropped: return SimulatorHTTP.dropped()
        case .serverError:
            return json
                ? Self.jsonError(500, "InternalServerException", "An internal error occurred.")
                : Self.stsError(500, "InternalFailure", "An internal error occurred.", type: "Receiver")
        case nil: break
        }
        let refuse = { (status: Int, code: String, message: String) -> Response in
            json ? Self.jsonError(status, code, message) : Self.stsError(status, code, message)
        }
        guard let header = request.headers[.authorization], let presented = SigV4.parse(authorization: header) else {
            return refuse(403, "MissingAuthenticationToken", "Request is missing Authentication Token")
        }
        guard presented.accessKeyID == Self.accessKeyID else {
            return refuse(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
        }
        var headers: [(String, String)] = []
        for name in presented.signedHeaders {
            if name == "host" {
                headers.append(("host", request.head.authority ?? ""))
            } else if let field = HTTPField.Name(name), let value = request.headers[field] {
                headers.append((name, value))
            }
        }
        guard presented.signedHeaders.contains("host"), presented.signedHeaders.contains("x-amz-date"),
            let stamp = headers.first(where: { $0.0 == "x-amz-date" })?.1, let date = Self.date(stamp)
        else { return refuse(400, "IncompleteSignature", "The request must sign the host and x-amz-date headers.") }
        guard abs(date.timeIntervalSince(now())) <= 15 * 60 else {
            return refuse(
                403, "SignatureDoesNotMatch",
                "Signature expired: \(stamp) is now earlier or later than 15 minutes from the server's time.")
        }
        let signer = SigV4(region: presented.region, service: presented.service)
        let expected = signer.signature(
            secret: Self.secretAccessKey, method: request.method.rawValue, path: request.uri.path,
            query: request.uri.queryParameters.map { (String($0.key), String($0.value)) }, headers: headers,
            body: body)
        guard presented.service == service, presented.day == String(stamp.prefix(8)),
            expected.signature == presented.signature
        else {
            return refuse(
                403, "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method."
            )
        }
        return nil
    }

    static func date(_ stamp: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.date(from: stamp)
    }

    static func stsError(_ status: Int, _ code: String, _ message: String, type: String = "Sender") -> Response {
        let xml = """
            <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <Error>
                <Type>\(type)</Type>
                <Code>\(code)</Code>
                <Message>\(message)</Message>
              </Error>
              <RequestId>\(UUID().uuidString.lowercased())</RequestId>
            </ErrorResponse>
            """
        return SimulatorHTTP.response(status, Data(xml.utf8), headers: ["Content-Type": "text/xml"])
    }

    static func jsonError(_ status: Int, _ code: String, _ message: String) -> Response {
        SimulatorHTTP.response(
            status, (try? SimulatorHTTP.json(["message": message])) ?? Data(), headers: ["x-amzn-ErrorType": code])
    }
}
