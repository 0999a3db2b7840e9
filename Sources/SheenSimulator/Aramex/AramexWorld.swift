// swift-format-ignore-file: AlwaysUseLowerCamelCase
// Wire types spell fields as Aramex does.

import Foundation

/// Everything the Aramex simulator knows: the accounts it serves and the shipments created with their labels
/// (research/providers.md §11; community integrations only, no official SDK).
///
/// Unconfirmed, kept here in one place: the rate calculator's and tracking service's paths and answer fields, that
/// `TrackShipments` finds a shipment by its `Reference1` as well as by its number, the notification codes
/// (`ERR01`…) and their wording, the AWB's format, and `ClientInfo.Version` (`v1.0` in most clients, `1.0` in one
/// sample; both are accepted).
public struct AramexWorld: SimulatorWorld {
    public struct Shipment: Codable, Sendable {
        public var ID: String
        public var Reference1: String
        public var ProductGroup: String
        public var Origin: String
        public var Destination: String
        public var Weight: Decimal
        public var Created: Date
        var account: String
    }

    public var shipments: [String: Shipment] = [:]
    public var ledger: [LedgerEntry] = []
    public var counter = 0

    public init() {}

    mutating func newAWB() -> String {
        counter += 1
        return String(44_000_000_000 + counter)
    }
}

/// A one-page PDF naming the shipment: what a `ReportType: URL` label points at.
enum LabelPDF {
    static func make(awb: String, from origin: String, to destination: String) -> Data {
        let text = "(Aramex test label  AWB \(awb)  \(origin) -> \(destination)) Tj"
        let stream = "BT /F1 14 Tf 40 760 Td \(text) ET"
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 288 432] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            "<< /Length \(stream.utf8.count) >>\nstream\n\(stream)\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
        var pdf = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(pdf.utf8.count)
            pdf += "\(index + 1) 0 obj\n\(object)\nendobj\n"
        }
        let xref = pdf.utf8.count
        pdf += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { pdf += String(format: "%010d 00000 n \n", offset) }
        pdf += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Data(pdf.utf8)
    }
}
