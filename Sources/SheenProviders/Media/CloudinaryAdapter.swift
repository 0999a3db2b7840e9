import Foundation
import SheenEngine

/// Cloudinary's Admin API for the connection's product environment: HTTP Basic with the API key and secret, form
/// bodies, errors as `{"error": {"message"}}`.
struct CloudinaryAPI: Sendable {
    let client: ProviderClient

    static func open(_ context: StepContext) async throws -> CloudinaryAPI {
        let credentials = try await context.credentials()
        guard let key = credentials["api_key"], let secret = credentials["api_secret"] else {
            throw StepFailure(.invalid, message: "the Cloudinary connection needs api_key and api_secret")
        }
        return CloudinaryAPI(
            client: ProviderClient(
                provider: "cloudinary", base: try ProviderEndpoint.base(context, credentials: credentials),
                authorization: .basic(user: key, password: secret),
                readError: { response in
                    ((try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any])
                        .flatMap { $0["error"] as? [String: Any] }?["message"] as? String
                }))
    }
}

/// `cloudinary.verify-key`: the Admin API's ping needs a valid key and secret and changes nothing.
struct CloudinaryVerifyKeyRunner: StepRunner {
    func observe(_ context: StepContext) async throws -> StepResult? { try await create(context) }

    func create(_ context: StepContext) async throws -> StepResult {
        _ = try await CloudinaryAPI.open(context).client.send(ProviderRequest(.get, "/ping"))
        return StepResult(outputs: ["status": "ok"])
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}
}

/// `cloudinary.upload-preset`: a signed upload preset, `sheen_<project>_arabic`, whose incoming transformation caps
/// the size and stamps the brand in Arabic with an Arabic font (Noto Naskh Arabic), into the project's folder. Its
/// name is its identity, so `observe` finds it and `sheen destroy` deletes it.
struct CloudinaryUploadPresetRunner: StepRunner {
    static func name(_ context: StepContext) -> String {
        let project = (context.inputs["project"] ?? "project").map { $0.isLetter || $0.isNumber ? $0 : "_" }
        return "sheen_\(String(project))_arabic"
    }

    /// `شين` in the overlay, percent-encoded as Cloudinary's `l_text` takes it.
    static let transformation =
        "c_limit,w_2000/l_text:Noto%20Naskh%20Arabic_48:%D8%B4%D9%8A%D9%86,g_south_east,x_24,y_24"

    func observe(_ context: StepContext) async throws -> StepResult? {
        let name = Self.name(context)
        let api = try await CloudinaryAPI.open(context)
        do {
            _ = try await api.client.send(ProviderRequest(.get, "/upload_presets/\(name)"))
        } catch {
            guard case .http(status: 404, _) = error.kind else { throw error }
            return nil
        }
        return StepResult(outputs: ["preset": name], externalID: name)
    }

    func create(_ context: StepContext) async throws -> StepResult {
        let name = Self.name(context)
        _ = try await CloudinaryAPI.open(context).client.send(
            ProviderRequest(
                .post, "/upload_presets",
                body: .form([
                    ("name", name), ("unsigned", "false"), ("folder", context.inputs["project"] ?? "sheen"),
                    ("transformation", Self.transformation), ("tags", "sheen"),
                ])))
        return StepResult(outputs: ["preset": name], externalID: name)
    }

    func update(_ context: StepContext) async throws -> StepResult {
        if let found = try await observe(context) { return found }
        return try await create(context)
    }

    func delete(_ context: StepContext) async throws {
        let name = context.externalID ?? Self.name(context)
        try await ProviderEndpoint.deleting {
            _ = try await CloudinaryAPI.open(context).client.send(ProviderRequest(.delete, "/upload_presets/\(name)"))
        }
    }
}

/// Cloudinary's step kinds and their runners.
public enum CloudinaryAdapter {
    public static func register(into runners: inout RunnerRegistry) {
        runners.register(CloudinaryVerifyKeyRunner(), for: "cloudinary.verify-key")
        runners.register(CloudinaryUploadPresetRunner(), for: "cloudinary.upload-preset")
    }
}
