/// A JSON document built in code and written with sorted keys and fixed indentation, so a plan's JSON is byte-for-byte
/// the same for the same plan, whatever the platform's encoder does.
public indirect enum JSONValue: Sendable, Hashable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([String: JSONValue])

    public static func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
    public static func strings(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }

    /// Pretty-printed with two-space indentation and a trailing newline.
    public var rendered: String {
        var output = ""
        write(to: &output, indent: 0)
        output.append("\n")
        return output
    }

    /// On one line, for event streams (JSON Lines).
    public var compact: String {
        switch self {
        case .array(let items): return "[" + items.map(\.compact).joined(separator: ",") + "]"
        case .object(let members):
            return "{"
                + members.keys.sorted().map { key in
                    var name = ""
                    Self.writeString(key, to: &name)
                    return name + ":" + (members[key]?.compact ?? "null")
                }.joined(separator: ",") + "}"
        default:
            var output = ""
            write(to: &output, indent: 0)
            return output
        }
    }

    private func write(to output: inout String, indent: Int) {
        switch self {
        case .string(let text): Self.writeString(text, to: &output)
        case .int(let value): output.append(String(value))
        case .double(let value):
            output.append(value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value))
        case .bool(let value): output.append(value ? "true" : "false")
        case .null: output.append("null")
        case .array(let items):
            guard !items.isEmpty else {
                output.append("[]")
                return
            }
            output.append("[\n")
            for (position, item) in items.enumerated() {
                output.append(String(repeating: " ", count: indent + 2))
                item.write(to: &output, indent: indent + 2)
                output.append(position == items.count - 1 ? "\n" : ",\n")
            }
            output.append(String(repeating: " ", count: indent) + "]")
        case .object(let members):
            guard !members.isEmpty else {
                output.append("{}")
                return
            }
            output.append("{\n")
            let keys = members.keys.sorted()
            for (position, key) in keys.enumerated() {
                output.append(String(repeating: " ", count: indent + 2))
                Self.writeString(key, to: &output)
                output.append(": ")
                members[key]?.write(to: &output, indent: indent + 2)
                output.append(position == keys.count - 1 ? "\n" : ",\n")
            }
            output.append(String(repeating: " ", count: indent) + "}")
        }
    }

    private static func writeString(_ text: String, to output: inout String) {
        output.append("\"")
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output.append("\\\"")
            case "\\": output.append("\\\\")
            case "\n": output.append("\\n")
            case "\r": output.append("\\r")
            case "\t": output.append("\\t")
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                output.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default: output.unicodeScalars.append(scalar)
            }
        }
        output.append("\"")
    }
}
