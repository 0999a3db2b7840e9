import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SheenEngine
import SheenModel

/// `aramex.verify-account`: a rate quote between the test shipment's two ends needs a valid `ClientInfo` and changes
/// nothing.
struct AramexVerifyAccountRunner: StepRunner {
    func observe(_ context: StepContext) async throws -> StepResult? { try await create(context) }

    func create(_ context: StepContext) async throws -> StepResult {
        let api = try await AramexAPI.open(context)
        let (from, to) = try AramexTestLabelRunner.ends(context)
        let rate = try await api.call(
            "/RateCalculator/Service_1_0.svc/json/CalculateRate",
            [
                "OriginAddress": AramexTestLabelRunner.address(from),
                "DestinationAddress": AramexTestLabelRunner.address(to),
                "ShipmentDetails": AramexTestLabelRunner.details(from: from, to: to),
            ], as: AramexRate.self)
        return StepResult(outputs: [
            "quote": rate.TotalAmount?.Value.map { "\($0)" } ?? "",
            "currency": rate.TotalAmount?.CurrencyCode ?? "",
        ])
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}
}

/// `aramex.test-label`: a one-piece test shipment from `shipping.from` to `shipping.to`, its label fetched and checked
/// to be a PDF. The shipment carries a reference derived from the step's key (Aramex takes no idempotency key), which
/// is how `observe` finds one an interrupted attempt made, and prints its label again. A test shipment is left in
/// Aramex's records; cancel it in Aramex's portal if it matters.
struct AramexTestLabelRunner: StepRunner {
    let http: HTTPClient

    static func reference(_ context: StepContext) -> String { "sheen-\(context.idempotencyKey.prefix(12))" }

    /// The 4×6 label (report 9201) as a URL to fetch.
    static let labelInfo: [String: any Sendable] = ["ReportID": 9201, "ReportType": "URL"]

    func observe(_ context: StepContext) async throws -> StepResult? {
        let api = try await AramexAPI.open(context)
        let tracked = try await api.call(
            "/Tracking/Service_1_0.svc/json/TrackShipments",
            ["Shipments": [Self.reference(context)], "GetLastTrackingUpdateOnly": true], as: AramexTracking.self)
        guard let awb = tracked.TrackingResults?.first?.Key else { return nil }
        let printed = try await api.call(
            "/Shipping/Service_1_0.svc/json/PrintLabel",
            ["ShipmentNumber": awb, "LabelInfo": Self.labelInfo], as: AramexPrinted.self)
        return try await result(awb: awb, label: printed.ShipmentLabel?.LabelURL)
    }

    func create(_ context: StepContext) async throws -> StepResult {
        guard context.inputs[LaunchSettings.Key.shipFrom.rawValue] != nil,
            context.inputs[LaunchSettings.Key.shipTo.rawValue] != nil
        else {
            throw StepFailure(
                .invalid,
                message:
                    "no addresses for the test shipment: set shipping.from and shipping.to in sheen.yaml (sheen init writes an example)"
            )
        }
        let (from, to) = try Self.ends(context)
        let api = try await AramexAPI.open(context)
        let reference = Self.reference(context)
        let milliseconds = Int64(context.clock.now().timeIntervalSince1970 * 1000)
        let shipment: [String: any Sendable] = [
            "Reference1": reference,
            "Shipper": Self.party(from, account: api.clientInfo["AccountNumber"], reference: reference),
            "Consignee": Self.party(to, account: nil, reference: reference),
            "ShippingDateTime": "/Date(\(milliseconds))/",
            "Details": Self.details(from: from, to: to),
        ]
        let created = try await api.call(
            "/Shipping/Service_1_0.svc/json/CreateShipments",
            [
                "Shipments": [shipment], "LabelInfo": Self.labelInfo,
                "Transaction": ["Reference1": reference],
            ], as: AramexShipments.self)
        guard let processed = created.Shipments?.first else {
            throw StepFailure(.invalid, message: "Aramex created no shipment and gave no reason")
        }
        if processed.HasErrors == true {
            throw StepFailure(
                .invalid,
                message: "Aramex refused the test shipment: \(AramexAPI.describe(processed.Notifications ?? []))")
        }
        return try await result(awb: processed.ID, label: processed.ShipmentLabel?.LabelURL)
    }

    func update(_ context: StepContext) async throws -> StepResult { try await create(context) }

    func delete(_ context: StepContext) async throws {}

    /// The label, fetched: it must be a whole PDF.
    func result(awb: String, label: String?) async throws -> StepResult {
        guard let label else { throw StepFailure(.invalid, message: "Aramex gave shipment \(awb) no label URL") }
        let bytes: Data
        do {
            let response = try await http.execute(HTTPClientRequest(url: label), timeout: .seconds(30))
            guard response.status.code == 200 else {
                throw StepFailure(
                    .http(status: Int(response.status.code), retryAfter: nil),
                    message: "the label of \(awb) answered \(response.status.code)")
            }
            bytes = Data(try await response.body.collect(upTo: 16 << 20).readableBytesView)
        } catch let failure as StepFailure {
            throw failure
        } catch {
            throw StepFailure(.network, message: "the label of shipment \(awb) could not be fetched: \(error)")
        }
        guard bytes.starts(with: Data("%PDF-".utf8)),
            String(decoding: bytes.suffix(32), as: UTF8.self).contains("%%EOF")
        else {
            throw StepFailure(
                .invalid, message: "the label of shipment \(awb) is not a PDF (\(bytes.count) bytes from \(label))")
        }
        return StepResult(
            outputs: ["awb": awb, "label_url": label, "label_bytes": String(bytes.count)], externalID: awb)
    }

    // MARK: The shipment

    /// The two ends from the plan's inputs; the first market's capital to itself when the step runs without them
    /// (the rate check of `verify-account`).
    static func ends(
        _ context: StepContext
    ) throws(StepFailure) -> (LaunchSettings.Address, LaunchSettings.Address) {
        let market =
            context.inputs["markets"]?.split(separator: ",").first.flatMap { CountryCode(rawValue: String($0)) }
            ?? CountryCode(rawValue: "SA")
        func end(_ key: LaunchSettings.Key) -> LaunchSettings.Address? {
            context.inputs[key.rawValue].flatMap(LaunchSettings.decodeAddress)
                ?? market.flatMap { LaunchSettings.sandboxValue(key, market: $0) }.flatMap(LaunchSettings.decodeAddress)
        }
        guard let from = end(.shipFrom), let to = end(.shipTo) else {
            throw StepFailure(
                .invalid, message: "no addresses for the test shipment: set shipping.from and shipping.to")
        }
        return (from, to)
    }

    static func address(_ end: LaunchSettings.Address) -> [String: any Sendable] {
        var address: [String: any Sendable] = [
            "Line1": end.line1, "City": end.city, "CountryCode": end.country.rawValue,
        ]
        if let postal = end.postalCode { address["PostCode"] = postal }
        return address
    }

    static func party(
        _ end: LaunchSettings.Address, account: String?, reference: String
    ) -> [String: any Sendable] {
        var party: [String: any Sendable] = [
            "Reference1": reference,
            "PartyAddress": address(end),
            "Contact": [
                "PersonName": end.name, "CompanyName": end.name, "PhoneNumber1": end.phone.e164,
                "CellPhone": end.phone.e164, "EmailAddress": "shipping@example.com",
            ] as [String: any Sendable],
        ]
        if let account { party["AccountNumber"] = account }
        return party
    }

    /// One 0.5 kg piece, prepaid; domestic when both ends are in one country, express otherwise.
    static func details(from: LaunchSettings.Address, to: LaunchSettings.Address) -> [String: any Sendable] {
        let domestic = from.country == to.country
        return [
            "ActualWeight": ["Value": 0.5, "Unit": "KG"] as [String: any Sendable],
            "ProductGroup": domestic ? "DOM" : "EXP", "ProductType": domestic ? "ONP" : "PPX", "PaymentType": "P",
            "NumberOfPieces": 1, "DescriptionOfGoods": "Sheen test shipment",
            "GoodsOriginCountry": from.country.rawValue,
        ]
    }
}

/// Aramex's step kinds and their runners.
public enum AramexAdapter {
    public static func register(into runners: inout RunnerRegistry, http: HTTPClient = ProviderClient.http) {
        runners.register(AramexVerifyAccountRunner(), for: "aramex.verify-account")
        runners.register(AramexTestLabelRunner(http: http), for: "aramex.test-label")
    }
}
