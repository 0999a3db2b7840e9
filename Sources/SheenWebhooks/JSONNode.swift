import Foundation

/// A parsed JSON body that keeps what signed strings need: booleans apart from numbers, integers exact.
enum JSONNode: Decodable, Sendable, Hashable {
    case object([String: JSONNode])
    case array([JSONNode])
    case string(String)
    case bool(Bool)
    case integer(Int64)
    case number(Decimal)
    case null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Decimal.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([String: JSONNode].self) {
            self = .object(value)
        } else {
            self = .array(try container.decode([JSONNode].self))
        }
    }

    static func parse(_ data: Data) -> JSONNode? { try? JSONDecoder().decode(JSONNode.self, from: data) }

    subscript(key: String) -> JSONNode? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }

    /// The node at a dotted path (`source_data.pan`; a number indexes an array: `results.0.status`).
    func at(_ path: String) -> JSONNode? {
        path.split(separator: ".").reduce(Optional(self)) { node, key in
            if case .array(let items) = node, let index = Int(key) {
                return items.indices.contains(index) ? items[index] : nil
            }
            return node?[String(key)]
        }
    }

    /// A scalar as providers write it into signed strings: booleans lowercase, numbers plain.
    var text: String? {
        switch self {
        case .string(let value): value
        case .bool(let value): value ? "true" : "false"
        case .integer(let value): String(value)
        case .number(let value): "\(value)"
        case .null: "null"
        case .object, .array: nil
        }
    }

    var decimal: Decimal? {
        switch self {
        case .integer(let value): Decimal(value)
        case .number(let value): value
        case .string(let value): Decimal(string: value)
        default: nil
        }
    }
}
