import Foundation
import SheenAuth
import SheenEngine

/// AWS's query and JSON APIs, every call signed with Signature Version 4 for its service. STS goes to the global
/// endpoint (signed for `us-east-1`); the Account API to `account.us-east-1.amazonaws.com`. A sandbox connection's
/// base URL stands for both.
struct AWSAPI: Sendable {
    let key: SigV4.Key
    let override: String?

    static let accountHost = "https://account.us-east-1.amazonaws.com"

    static func open(_ context: StepContext) async throws -> AWSAPI {
        let credentials = try await context.credentials()
        guard let id = credentials["access_key_id"], let secret = credentials["secret_access_key"] else {
            throw StepFailure(.invalid, message: "the AWS connection needs access_key_id and secret_access_key")
        }
        let token = credentials["session_token"].flatMap { $0.isEmpty ? nil : $0 }
        if id.hasPrefix("ASIA") && token == nil {
            throw StepFailure(
                .invalid,
                message:
                    "the AWS access key is temporary (ASIA…) and the connection has no session_token: add it with 'sheen connections rotate aws', or use a long-term AKIA… key"
            )
        }
        return AWSAPI(
            key: SigV4.Key(accessKeyID: id, secretAccessKey: secret, sessionToken: token),
            override: context.credentials.baseURL)
    }

    /// Signs and sends one call; AWS's throttling answer (a 400 with code `Throttling` on the query APIs) is handed
    /// to the engine as the rate limit it is.
    func send(
        base: String, service: String, _ request: ProviderRequest, json: Bool
    ) async throws(StepFailure) -> ProviderResponse {
        var request = request
        let (body, type) = request.encodedBody ?? (Data(), "")
        var signed: [(String, String)] = [("Host", Self.authority(base))]
        if !type.isEmpty { signed.append(("Content-Type", type)) }
        let added = SigV4(region: "us-east-1", service: service).sign(
            key: key, method: request.method.rawValue, path: request.path, query: request.query, headers: signed,
            body: body, date: Date())
        request.headers += added
        let client = ProviderClient(
            provider: "aws", base: base, authorization: .none, readError: json ? Self.readJSONError : Self.readXMLError)
        do {
            return try await client.send(request)
        } catch {
            guard case .http(status: 400, _) = error.kind, error.message.contains("Throttling") else { throw error }
            throw StepFailure(.http(status: 429, retryAfter: nil), message: error.message)
        }
    }

    /// The `Host` header AsyncHTTPClient sends for `base`: the port only when it is not the scheme's default.
    static func authority(_ base: String) -> String {
        guard let url = URL(string: base), let host = url.host else { return "" }
        guard let port = url.port else { return host }
        let standard = url.scheme == "https" ? 443 : 80
        return port == standard ? host : "\(host):\(port)"
    }

    /// The query APIs' `<Error><Code>…</Code><Message>…</Message></Error>`.
    static func readXMLError(_ response: ProviderResponse) -> String? {
        let text = String(decoding: response.body, as: UTF8.self)
        guard let code = element("Code", in: text) else { return nil }
        return "\(element("Message", in: text) ?? "") (\(code))"
    }

    /// The JSON APIs' `{"message"}` with the code in `x-amzn-ErrorType`.
    static func readJSONError(_ response: ProviderResponse) -> String? {
        let message =
            ((try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any]).flatMap {
                ($0["message"] ?? $0["Message"]) as? String
            } ?? ""
        let code = response.headers["x-amzn-errortype"]?.split(separator: ":").first.map(String.init)
        guard !message.isEmpty || code != nil else { return nil }
        return message + (code.map { " (\($0))" } ?? "")
    }

    /// The text of the first `<tag>` in an XML answer: STS's answers are flat, so no parser is needed to read one.
    static func element(_ tag: String, in text: String) -> String? {
        guard let open = text.range(of: "<\(tag)>"),
            let close = text.range(of: "</\(tag)>", range: open.upperBound..<text.endIndex)
        else { return nil }
        return String(text[open.upperBound..<close.lowerBound])
    }
}

/// `aws.verify-identity`: STS `GetCallerIdentity`, which any valid key may call and which changes nothing; records
/// the account and the caller's ARN.
struct AWSVerifyIdentityRunner: StepRunner {
    func observe(_ context: StepContext) async throws -> StepResult? { try await create(context) }

    func create(_ context: StepContext) async throws -> StepResult {
        let api = try await AWSAPI.open(context)
        let response = try await api.send(
            base: api.override ?? context.inputs["base_url"] ?? "https://sts.amazonaws.com", service: "sts",
            ProviderRequest(.post, "/", body: .form([("Action", "GetCallerIdentity"), ("Version", "2011-06-15")])),
            json: false)
        let text = String(decoding: response.body, as: UTF8.self)
        guard let account = AWSAPI.element("Account", in: text), let arn = AWSAPI.element("Arn", in: text) else {
            throw StepFailure(.invalid, message: "AWS STS answered GetCallerIdentity without the account and ARN")
        }
        return StepResult(outputs: ["account": account, "arn": arn])
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}
}

/// `aws.select-region`: the first of the planner's ranked regions (`regions`, residency first) that the account can
/// use. Bahrain, the UAE and Tel Aviv are opt-in regions, so each is checked with the Account API's
/// `GetRegionOptStatus`. When residency is required and no in-country region is enabled, the step waits, naming the
/// region to enable; when it is only preferred, the best usable region is chosen and the output says which better
/// one the account could enable.
struct AWSSelectRegionRunner: StepRunner {
    static let usable: Set<String> = ["ENABLED", "ENABLED_BY_DEFAULT"]

    func observe(_ context: StepContext) async throws -> StepResult? { try await create(context) }

    func create(_ context: StepContext) async throws -> StepResult {
        let api = try await AWSAPI.open(context)
        return try await RegionChoice.choose(
            context, cloud: "AWS",
            status: { region in
                let status = try await Self.status(of: region, api: api)
                return RegionChoice.Status(usable: Self.usable.contains(status), detail: status)
            },
            enable: { region, status in
                status.detail == "ENABLING"
                    ? "AWS is enabling \(region) for this account (it can take hours); wait for it"
                    : "enable \(region) for this account (AWS console → Account → AWS Regions, or 'aws account enable-region --region-name \(region)')"
            })
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}

    static func status(of region: String, api: AWSAPI) async throws -> String {
        let body = (try? JSONSerialization.data(withJSONObject: ["RegionName": region])) ?? Data()
        let response = try await api.send(
            base: api.override ?? AWSAPI.accountHost, service: "account",
            ProviderRequest(.post, "/getRegionOptStatus", body: .json(body)), json: true)
        guard
            let status = ((try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any])?[
                "RegionOptStatus"] as? String
        else { throw StepFailure(.invalid, message: "AWS answered GetRegionOptStatus for \(region) without a status") }
        return status
    }
}

/// AWS's step kinds and their runners.
public enum AWSAdapter {
    public static func register(into runners: inout RunnerRegistry) {
        runners.register(AWSVerifyIdentityRunner(), for: "aws.verify-identity")
        runners.register(AWSSelectRegionRunner(), for: "aws.select-region")
    }
}
