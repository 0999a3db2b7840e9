// swift-format-ignore-file: AlwaysUseLowerCamelCase
// Wire types spell fields as Cloudinary does.

import Foundation
import Hummingbird

/// What the Cloudinary simulator knows: the upload presets of the product environment. Unconfirmed, kept here in one
/// place: the answer bodies of the preset calls (`{"message": "created", "name"}`, `{"message": "deleted"}`), the
/// status of a duplicate name (409), and the error texts.
public struct CloudinaryWorld: SimulatorWorld {
    public struct Preset: Codable, Sendable {
        public var name: String
        public var unsigned: Bool
        public var settings: [String: String]
    }

    public var presets: [String: Preset] = [:]
    public var ledger: [LedgerEntry] = []

    public init() {}
}

/// A local Cloudinary Admin API for one product environment: `GET /ping`, `POST|GET|DELETE /upload_presets[/{name}]`
/// with HTTP Basic (`api_key:api_secret`) and form bodies, errors as `{"error": {"message"}}`.
public struct CloudinarySimulator: Sendable {
    public static let apiKey = "614335564976464"
    public static let apiSecret = "sheenCloudinarySandboxSecret00"

    public let store: SimulatorStore<CloudinaryWorld>
    public let faults: Faults
    public let requests = RequestCounter()
    public let now: @Sendable () -> Date

    public init(
        stateFile: String? = nil, faults: Faults = Faults(), now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        store = try SimulatorStore(file: stateFile, initial: CloudinaryWorld())
        self.faults = faults
        self.now = now
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("ping") { request, _ in await handle(request) { (200, Data(#"{"status":"ok"}"#.utf8)) } }
        router.post("upload_presets") { request, _ in
            let form = Dictionary(
                FormText.decode(String(decoding: await SimulatorHTTP.body(request), as: UTF8.self)),
                uniquingKeysWith: { first, _ in first })
            return await handle(request) { try await create(form) }
        }
        router.get("upload_presets/:name") { request, context in
            let name = context.parameters.get("name") ?? ""
            return await handle(request) {
                guard let preset = await store.read({ $0.presets[name] }) else {
                    throw CloudinaryError(status: 404, message: "Can't find upload preset named \(name)")
                }
                return (200, try SimulatorHTTP.encoded(preset))
            }
        }
        router.delete("upload_presets/:name") { request, context in
            let name = context.parameters.get("name") ?? ""
            return await handle(request) {
                let date = now()
                try await store.mutate { world in
                    guard world.presets.removeValue(forKey: name) != nil else {
                        throw CloudinaryError(status: 404, message: "Can't find upload preset named \(name)")
                    }
                    world.record("preset.deleted", name, at: date)
                }
                return (200, Data(#"{"message":"deleted"}"#.utf8))
            }
        }
        return router
    }

    func create(_ form: [String: String]) async throws -> (Int, Data) {
        guard let name = form["name"], !name.isEmpty,
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") })
        else { throw CloudinaryError(status: 400, message: "Name must contain only letters, digits, - and _") }
        if let transformation = form["transformation"], transformation.contains(" ") {
            throw CloudinaryError(status: 400, message: "Invalid transformation component - \(transformation)")
        }
        let date = now()
        var settings = form
        settings["name"] = nil
        settings["unsigned"] = nil
        try await store.mutate { world in
            guard world.presets[name] == nil else {
                throw CloudinaryError(status: 409, message: "Upload preset \(name) already exists")
            }
            world.presets[name] = .init(name: name, unsigned: form["unsigned"] == "true", settings: settings)
            world.record("preset.created", name, key: name, at: date)
        }
        try await faults.afterCommit(path: "/upload_presets")
        return (200, try SimulatorHTTP.json(["message": "created", "name": name]))
    }

    func handle(_ request: Request, _ operation: @Sendable () async throws -> (Int, Data)) async -> Response {
        switch await SimulatorHTTP.prelude(faults, requests) {
        case .rateLimited: return CloudinaryError(status: 420, message: "Rate Limit Exceeded").response
        case .dropped: return SimulatorHTTP.dropped()
        case .serverError: return CloudinaryError(status: 500, message: "General Error").response
        case nil: break
        }
        let expected = "Basic " + Data("\(Self.apiKey):\(Self.apiSecret)".utf8).base64EncodedString()
        guard request.headers[.authorization] == expected else {
            return CloudinaryError(status: 401, message: "Invalid api_key or api_secret").response
        }
        do {
            let (status, body) = try await operation()
            return SimulatorHTTP.response(status, body)
        } catch let error as CloudinaryError {
            return error.response
        } catch is ConnectionDrop {
            return SimulatorHTTP.dropped()
        } catch {
            return CloudinaryError(status: 500, message: "General Error").response
        }
    }
}

/// Cloudinary's error body: `{"error": {"message"}}`.
struct CloudinaryError: Error, Sendable {
    var status: Int
    var message: String

    var response: Response {
        SimulatorHTTP.response(status, (try? SimulatorHTTP.json(["error": ["message": message]])) ?? Data())
    }
}
