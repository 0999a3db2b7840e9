// swift-format-ignore-file: AlwaysUseLowerCamelCase
// Wire types spell fields as Cloudflare does.

import Foundation
import Hummingbird

/// What the Cloudflare simulator knows: the account's zones and their DNS records. Unconfirmed, kept here in one
/// place: the numeric error codes other than 81057 (identical record) and 1000 (invalid token).
public struct CloudflareWorld: SimulatorWorld {
    public struct Zone: Codable, Sendable {
        public var id: String
        public var name: String
        public var status: String
        public var name_servers: [String]
    }
    public struct Record: Codable, Sendable, Equatable {
        public struct CAAData: Codable, Sendable, Equatable {
            public var flags: Int
            public var tag: String
            public var value: String
        }
        public var id: String
        public var zone_id: String
        public var type: String
        public var name: String
        public var content: String
        public var proxied: Bool
        public var ttl: Int
        public var data: CAAData?
        public var comment: String?
    }

    public var zones: [String: Zone] = [:]
    public var records: [String: Record] = [:]
    public var ledger: [LedgerEntry] = []
    public var counter = 0

    public init() {}
}

/// A local Cloudflare API v4 for zones and DNS records (`/client/v4/user/tokens/verify`, `/client/v4/zones`,
/// `/client/v4/zones/{zone}/dns_records[/{id}]`): Bearer API tokens, every answer in Cloudflare's envelope
/// `{"success", "errors": [{"code", "message"}], "messages", "result"}`. The sandbox account holds every zone under
/// RFC 2606's `.test`, active, so a sandbox project's domain always has one.
public struct CloudflareSimulator: Sendable {
    public static let apiToken = "sheen-cloudflare-sandbox-token-0000000000"
    public static let accountID = "0123456789abcdef0123456789abcdef"

    public let store: SimulatorStore<CloudflareWorld>
    public let faults: Faults
    public let requests = RequestCounter()

    public init(stateFile: String? = nil, faults: Faults = Faults()) throws {
        store = try SimulatorStore(file: stateFile, initial: CloudflareWorld())
        self.faults = faults
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("client/v4/user/tokens/verify") { request, _ in
            await handle(request) {
                (200, try SimulatorHTTP.json(["id": "sheen-sandbox-token", "status": "active"]))
            }
        }
        router.get("client/v4/zones") { request, _ in
            let name = request.uri.queryParameters.get("name")
            return await handle(request) {
                let zones = try await store.mutate { world -> [CloudflareWorld.Zone] in
                    if let name, name.hasSuffix(".test"), !world.zones.values.contains(where: { $0.name == name }) {
                        world.counter += 1
                        let id = String(format: "%032x", world.counter)
                        world.zones[id] = .init(
                            id: id, name: name, status: "active",
                            name_servers: ["ada.ns.cloudflare.com", "bob.ns.cloudflare.com"])
                    }
                    return world.zones.values.filter { name == nil || $0.name == name }.sorted { $0.id < $1.id }
                }
                return (200, try SimulatorHTTP.encoded(zones))
            }
        }
        router.get("client/v4/zones/:zone") { request, context in
            let zone = context.parameters.get("zone") ?? ""
            return await handle(request) {
                guard let found = await store.read({ $0.zones[zone] }) else { throw CloudflareError.zoneNotFound }
                return (200, try SimulatorHTTP.encoded(found))
            }
        }
        router.get("client/v4/zones/:zone/dns_records") { request, context in
            let zone = context.parameters.get("zone") ?? ""
            let name = request.uri.queryParameters.get("name")
            let type = request.uri.queryParameters.get("type")
            return await handle(request) {
                let records = try await store.read { world -> [CloudflareWorld.Record] in
                    guard world.zones[zone] != nil else { throw CloudflareError.zoneNotFound }
                    return world.records.values.filter {
                        $0.zone_id == zone && (name == nil || $0.name == name) && (type == nil || $0.type == type)
                    }.sorted { $0.id < $1.id }
                }
                return (200, try SimulatorHTTP.encoded(records))
            }
        }
        router.post("client/v4/zones/:zone/dns_records") { request, context in
            let zone = context.parameters.get("zone") ?? ""
            let body = await SimulatorHTTP.body(request)
            return await handle(request) {
                let record = try await create(zone: zone, body)
                try await faults.afterCommit(path: "/client/v4/zones/dns_records")
                return (200, try SimulatorHTTP.encoded(record))
            }
        }
        router.delete("client/v4/zones/:zone/dns_records/:id") { request, context in
            let zone = context.parameters.get("zone") ?? ""
            let id = context.parameters.get("id") ?? ""
            return await handle(request) {
                try await store.mutate { world in
                    guard world.records[id]?.zone_id == zone else {
                        throw CloudflareError(status: 404, code: 81044, message: "Record does not exist.")
                    }
                    world.records[id] = nil
                    world.record("dns_record.deleted", id, at: Date())
                }
                return (200, try SimulatorHTTP.json(["id": id]))
            }
        }
        return router
    }

    /// Adds a record as `POST …/dns_records` would (tests use it to stand for the owner adding one by hand).
    public func create(zone: String, _ body: Data) async throws -> CloudflareWorld.Record {
        struct Input: Decodable {
            var type: String?
            var name: String?
            var content: String?
            var proxied: Bool?
            var ttl: Int?
            var data: CloudflareWorld.Record.CAAData?
            var comment: String?
        }
        guard let input = try? JSONDecoder().decode(Input.self, from: body), let type = input.type,
            let name = input.name, !name.isEmpty
        else { throw CloudflareError(status: 400, code: 9000, message: "DNS name is invalid.") }
        let supported = ["A", "AAAA", "CNAME", "TXT", "MX", "CAA"]
        guard supported.contains(type) else {
            throw CloudflareError(status: 400, code: 1004, message: "DNS Validation Error: unsupported type \(type)")
        }
        let content: String
        if type == "CAA" {
            guard let data = input.data, ["issue", "issuewild", "iodef"].contains(data.tag), !data.value.isEmpty else {
                throw CloudflareError(
                    status: 400, code: 1004, message: "DNS Validation Error: CAA needs data.tag and data.value")
            }
            content = "\(data.flags) \(data.tag) \"\(data.value)\""
        } else {
            guard let value = input.content, !value.isEmpty else {
                throw CloudflareError(status: 400, code: 9005, message: "Content for \(type) record is invalid.")
            }
            content = value
        }
        let proxied = input.proxied ?? false
        if proxied && !["A", "AAAA", "CNAME"].contains(type) {
            throw CloudflareError(status: 400, code: 9004, message: "This record type cannot be proxied.")
        }
        return try await store.mutate { world in
            guard let zoneName = world.zones[zone]?.name else { throw CloudflareError.zoneNotFound }
            guard name == zoneName || name.hasSuffix(".\(zoneName)") else {
                throw CloudflareError(
                    status: 400, code: 9000, message: "DNS name is invalid: \(name) is outside \(zoneName).")
            }
            let same = world.records.values.filter { $0.zone_id == zone && $0.name == name }
            if same.contains(where: { $0.type == type && $0.content == content }) {
                throw CloudflareError(status: 400, code: 81057, message: "Record already exists.")
            }
            if type == "CNAME" && !same.isEmpty || same.contains(where: { $0.type == "CNAME" }) {
                throw CloudflareError(
                    status: 400, code: 81053, message: "An A, AAAA, or CNAME record with that host already exists.")
            }
            world.counter += 1
            let record = CloudflareWorld.Record(
                id: String(format: "%032x", 1 << 40 + world.counter), zone_id: zone, type: type, name: name,
                content: content, proxied: proxied, ttl: input.ttl ?? 1, data: input.data, comment: input.comment)
            world.records[record.id] = record
            world.record("dns_record.created", record.id, key: "\(type) \(name) \(content)", at: Date())
            return record
        }
    }

    func handle(_ request: Request, _ operation: @Sendable () async throws -> (Int, Data)) async -> Response {
        switch await SimulatorHTTP.prelude(faults, requests) {
        case .rateLimited:
            return CloudflareError(
                status: 429, code: 971, message: "Please wait and consider throttling your request speed"
            ).response
        case .dropped: return SimulatorHTTP.dropped()
        case .serverError: return CloudflareError(status: 500, code: 10000, message: "Internal server error").response
        case nil: break
        }
        guard SimulatorHTTP.bearer(request) == Self.apiToken else {
            return CloudflareError(status: 401, code: 1000, message: "Invalid API Token").response
        }
        do {
            let (status, result) = try await operation()
            // The result is spliced into the envelope as encoded, so its field order stays the encoder's.
            let body = Data(#"{"errors":[],"messages":[],"result":"#.utf8) + result + Data(#","success":true}"#.utf8)
            return SimulatorHTTP.response(status, body)
        } catch let error as CloudflareError {
            return error.response
        } catch is ConnectionDrop {
            return SimulatorHTTP.dropped()
        } catch {
            return CloudflareError(status: 500, code: 10000, message: "Internal server error").response
        }
    }
}

/// Cloudflare's envelope for a refusal: `success: false` and the errors with their numeric codes.
struct CloudflareError: Error, Sendable {
    var status: Int
    var code: Int
    var message: String

    static let zoneNotFound = CloudflareError(
        status: 404, code: 7003, message: "Could not route to /zones, perhaps your object identifier is invalid?")

    var response: Response {
        let body: [String: Any] = [
            "success": false, "errors": [["code": code, "message": message]], "messages": [], "result": NSNull(),
        ]
        return SimulatorHTTP.response(
            status, (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data())
    }
}
