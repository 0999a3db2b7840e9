import Foundation
import Hummingbird
import NIOCore

/// A local Aramex Shipping Services API (the REST-JSON face of its WCF services, research/providers.md §11):
/// `ClientInfo` in every body, answers with `HasErrors` and `Notifications`, a rate quote, shipments created with an
/// AWB and a label URL, tracking, and the label itself as a PDF. Facts and what is unconfirmed: `AramexWorld`.
public struct AramexSimulator: Sendable {
    public static let credentials: [String: String] = [
        "username": "sandbox@sheen.test", "password": "SheenAramexSandbox1", "account_number": "20016",
        "account_pin": "331421", "account_entity": "RUH", "account_country_code": "SA",
    ]
    static let service = "ShippingAPI.V2"

    public let store: SimulatorStore<AramexWorld>
    public let faults: Faults
    public let requests = RequestCounter()
    public let now: @Sendable () -> Date

    public init(
        stateFile: String? = nil, faults: Faults = Faults(), now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        store = try SimulatorStore(file: stateFile, initial: AramexWorld())
        self.faults = faults
        self.now = now
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("\(Self.service)/RateCalculator/Service_1_0.svc/json/CalculateRate") { request, _ in
            await handle(request) { body, _, _ in try rate(body) }
        }
        router.post("\(Self.service)/Shipping/Service_1_0.svc/json/CreateShipments") { request, _ in
            let host = request.head.authority ?? "127.0.0.1"
            return await handle(request) { body, account, transaction in
                try await create(body, account: account, transaction: transaction, host: host)
            }
        }
        router.post("\(Self.service)/Shipping/Service_1_0.svc/json/PrintLabel") { request, _ in
            let host = request.head.authority ?? "127.0.0.1"
            return await handle(request) { body, account, _ in
                let number = body["ShipmentNumber"] as? String ?? ""
                guard await store.read({ $0.shipments[number]?.account == account }) else {
                    throw AramexFault("ERR40", "Shipment \(number) not found")
                }
                return [
                    "ShipmentNumber": number,
                    "ShipmentLabel": [
                        "LabelURL": "http://\(host)/sandbox/aramex/labels/\(number).pdf", "LabelFileContents": NSNull(),
                    ] as [String: any Sendable],
                ]
            }
        }
        router.post("\(Self.service)/Tracking/Service_1_0.svc/json/TrackShipments") { request, _ in
            await handle(request) { body, account, _ in
                let wanted = Set(body["Shipments"] as? [String] ?? [])
                let found = await store.read { world in
                    world.shipments.values.filter {
                        $0.account == account && (wanted.contains($0.ID) || wanted.contains($0.Reference1))
                    }.sorted { $0.ID < $1.ID }
                }
                let results: [[String: any Sendable]] = found.map { shipment in
                    [
                        "Key": shipment.ID,
                        "Value": [
                            [
                                "WaybillNumber": shipment.ID, "UpdateCode": "SH014",
                                "UpdateDescription": "Record created.",
                                "UpdateLocation": shipment.Origin, "Reference1": shipment.Reference1,
                            ] as [String: any Sendable]
                        ],
                    ]
                }
                return ["TrackingResults": results, "NonExistingWaybills": Array(wanted.subtracting(found.map(\.ID)))]
            }
        }
        router.get("sandbox/aramex/labels/:awb") { _, context in
            let awb = (context.parameters.get("awb") ?? "").replacingOccurrences(of: ".pdf", with: "")
            guard let shipment = await store.read({ $0.shipments[awb] }) else {
                return Response(status: .notFound)
            }
            return Response(
                status: .ok, headers: [.contentType: "application/pdf"],
                body: .init(
                    byteBuffer: ByteBuffer(
                        bytes: LabelPDF.make(awb: awb, from: shipment.Origin, to: shipment.Destination))))
        }
        return router
    }

    // MARK: Operations

    func rate(_ body: [String: Any]) throws -> [String: any Sendable] {
        let origin = try Self.address(body["OriginAddress"], "OriginAddress")
        let destination = try Self.address(body["DestinationAddress"], "DestinationAddress")
        let details = body["ShipmentDetails"] as? [String: Any] ?? [:]
        let weight = try Self.weight(details)
        let domestic = origin.country == destination.country
        let amount = (domestic ? 18 : 65) + weight * (domestic ? 4 : 22)
        let total: [String: any Sendable] = [
            "CurrencyCode": domestic && origin.country == "SA" ? "SAR" : "USD", "Value": amount,
        ]
        return ["TotalAmount": total]
    }

    func create(
        _ body: [String: Any], account: String, transaction: [String: Any], host: String
    ) async throws -> [String: any Sendable] {
        guard let shipments = body["Shipments"] as? [[String: Any]], !shipments.isEmpty else {
            throw AramexFault("ERR03", "Shipments are required")
        }
        var made: [(AramexWorld.Shipment, String)] = []
        var checked: [(String, String, String, String, Decimal)] = []
        for shipment in shipments {
            let shipper = try Self.party(shipment["Shipper"], "Shipper")
            let consignee = try Self.party(shipment["Consignee"], "Consignee")
            let details = shipment["Details"] as? [String: Any] ?? [:]
            let weight = try Self.weight(details)
            let group = details["ProductGroup"] as? String ?? ""
            guard group == "EXP" || group == "DOM" else {
                throw AramexFault("ERR22", "ProductGroup must be EXP or DOM")
            }
            guard (group == "DOM") == (shipper.country == consignee.country) else {
                throw AramexFault("ERR23", "ProductGroup \(group) does not match the shipper and consignee countries")
            }
            guard ["P", "C", "3"].contains(details["PaymentType"] as? String ?? "") else {
                throw AramexFault("ERR24", "PaymentType must be P, C or 3")
            }
            guard (details["NumberOfPieces"] as? Int ?? 0) >= 1 else {
                throw AramexFault("ERR25", "NumberOfPieces must be at least 1")
            }
            let reference = shipment["Reference1"] as? String ?? ""
            checked.append((reference, group, shipper.city, consignee.city, weight))
        }
        let label = body["LabelInfo"] as? [String: Any]
        guard let report = label?["ReportID"] as? Int, [9201, 9729].contains(report),
            ["URL", "RPT"].contains(label?["ReportType"] as? String ?? "")
        else { throw AramexFault("ERR30", "LabelInfo needs ReportID 9201 or 9729 and ReportType URL or RPT") }
        let date = now()
        made = try await store.mutate { world -> [(AramexWorld.Shipment, String)] in
            checked.map { reference, group, origin, destination, weight in
                let awb = world.newAWB()
                let shipment = AramexWorld.Shipment(
                    ID: awb, Reference1: reference, ProductGroup: group, Origin: origin, Destination: destination,
                    Weight: weight, Created: date, account: account)
                world.shipments[awb] = shipment
                world.record("shipment.created", awb, key: reference, at: date)
                return (shipment, "http://\(host)/sandbox/aramex/labels/\(awb).pdf")
            }
        }
        try await faults.afterCommit(path: "/\(Self.service)/Shipping")
        let processed: [[String: any Sendable]] = made.map { shipment, url in
            [
                "ID": shipment.ID, "Reference1": shipment.Reference1, "Reference2": "", "Reference3": "",
                "ForeignHAWB": "", "HasErrors": false, "Notifications": [[String: any Sendable]](),
                "ShipmentLabel": ["LabelURL": url, "LabelFileContents": NSNull()] as [String: any Sendable],
                "ShipmentDetails": [
                    "Origin": shipment.Origin, "Destination": shipment.Destination,
                    "ChargeableWeight": ["Unit": "KG", "Value": shipment.Weight] as [String: any Sendable],
                ] as [String: any Sendable],
            ]
        }
        return ["Shipments": processed]
    }

    // MARK: Validation

    static func address(_ value: Any?, _ name: String) throws(AramexFault) -> (city: String, country: String) {
        let address = value as? [String: Any] ?? [:]
        guard let line = address["Line1"] as? String, !line.isEmpty else {
            throw AramexFault("ERR10", "\(name).Line1 is required")
        }
        guard let city = address["City"] as? String, !city.isEmpty else {
            throw AramexFault("ERR11", "\(name).City is required")
        }
        guard let country = address["CountryCode"] as? String, country.count == 2, country == country.uppercased()
        else { throw AramexFault("ERR12", "\(name).CountryCode must be an ISO 3166 alpha-2 code") }
        return (city, country)
    }

    static func party(_ value: Any?, _ name: String) throws(AramexFault) -> (city: String, country: String) {
        let party = value as? [String: Any] ?? [:]
        let address = try address(party["PartyAddress"], "\(name).PartyAddress")
        let contact = party["Contact"] as? [String: Any] ?? [:]
        guard let person = contact["PersonName"] as? String, !person.isEmpty else {
            throw AramexFault("ERR13", "\(name).Contact.PersonName is required")
        }
        guard let phone = contact["PhoneNumber1"] as? String, phone.count >= 7 else {
            throw AramexFault("ERR14", "\(name).Contact.PhoneNumber1 is required")
        }
        return address
    }

    static func weight(_ details: [String: Any]) throws(AramexFault) -> Decimal {
        let weight = details["ActualWeight"] as? [String: Any]
        guard let value = weight?["Value"].flatMap({ Decimal(string: "\($0)") }), value > 0,
            ["KG", "LB"].contains(weight?["Unit"] as? String ?? "")
        else { throw AramexFault("ERR20", "ActualWeight needs a positive Value and Unit KG or LB") }
        return value
    }

    // MARK: Plumbing

    /// Faults, the JSON body and its `ClientInfo`, then `operation`'s fields in Aramex's answer (with
    /// `Transaction`, `Notifications` and `HasErrors`). Aramex answers refusals with 200 and `HasErrors: true`.
    func handle(
        _ request: Request,
        _ operation: @Sendable ([String: Any], String, [String: Any]) async throws -> [String: any Sendable]
    ) async -> Response {
        switch await SimulatorHTTP.prelude(faults, requests) {
        case .rateLimited: return Self.answer(429, [:], notification: AramexFault("ERR99", "Too many requests"))
        case .dropped: return SimulatorHTTP.dropped()
        case .serverError: return Self.answer(500, [:], notification: AramexFault("ERR98", "Internal server error"))
        case nil: break
        }
        guard let body = (try? JSONSerialization.jsonObject(with: await SimulatorHTTP.body(request))) as? [String: Any]
        else { return Self.answer(400, [:], notification: AramexFault("ERR02", "The request body is not valid JSON")) }
        let transaction = body["Transaction"] as? [String: Any] ?? [:]
        let echo = transaction.compactMapValues { $0 as? String }
        let info = body["ClientInfo"] as? [String: Any] ?? [:]
        let expected = Self.credentials
        guard info["UserName"] as? String == expected["username"], info["Password"] as? String == expected["password"],
            info["AccountNumber"] as? String == expected["account_number"],
            info["AccountPin"] as? String == expected["account_pin"],
            info["AccountEntity"] as? String == expected["account_entity"],
            info["AccountCountryCode"] as? String == expected["account_country_code"],
            ["v1.0", "1.0"].contains(info["Version"] as? String ?? "")
        else {
            return Self.answer(200, echo, notification: AramexFault("ERR01", "Invalid username or password"))
        }
        do {
            let fields = try await operation(body, "\(expected["account_number"] ?? "")", transaction)
            return Self.answer(200, echo, fields: fields)
        } catch let fault as AramexFault {
            return Self.answer(200, echo, notification: fault)
        } catch is ConnectionDrop {
            return SimulatorHTTP.dropped()
        } catch {
            return Self.answer(500, echo, notification: AramexFault("ERR98", "Internal server error"))
        }
    }

    static func answer(
        _ status: Int, _ transaction: [String: String], fields: [String: any Sendable] = [:],
        notification: AramexFault? = nil
    ) -> Response {
        let notifications: [[String: String]] = notification.map { [["Code": $0.code, "Message": $0.message]] } ?? []
        var body: [String: any Sendable] = [
            "Transaction": transaction.isEmpty ? NSNull() : transaction as [String: any Sendable],
            "HasErrors": notification != nil, "Notifications": notifications,
        ]
        for (key, value) in fields { body[key] = value }
        return SimulatorHTTP.response(status, (try? SimulatorHTTP.json(body)) ?? Data())
    }
}

/// A refusal as Aramex reports it: a notification with a code and a message.
struct AramexFault: Error, Sendable {
    var code: String
    var message: String

    init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }
}
