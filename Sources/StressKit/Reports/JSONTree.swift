import FoundationEssentials

/// Any JSON value, for looking a field up by name in a report (`stress report-field`)
/// without a Swift type per field.
///
/// Numbers keep their kind: whole numbers decode as integers (exact up to UInt64, as seeds
/// need), others as Double.
indirect enum JSONTree: Codable, Equatable {
    case null
    case boolean(Bool)
    case integer(Int64)
    case unsigned(UInt64)
    case number(Double)
    case text(String)
    case list([JSONTree])
    case object([String: JSONTree])

    static func decode(_ bytes: [UInt8]) throws -> JSONTree {
        try JSONDecoder().decode(JSONTree.self, from: Data(bytes))
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .boolean(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(UInt64.self) {
            self = .unsigned(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .text(value)
        } else if let value = try? container.decode([JSONTree].self) {
            self = .list(value)
        } else {
            self = .object(try container.decode([String: JSONTree].self))
        }
    }

    /// The value at a path of keys (list indexes as numbers). A key may itself contain dots
    /// ("p99.9"): at each object, the longest run of path components that names a key wins.
    func find(_ path: [String]) -> JSONTree? {
        guard let first = path.first else { return self }
        switch self {
        case .object(let fields):
            for length in stride(from: path.count, through: 1, by: -1) {
                if let child = fields[path.prefix(length).joined(separator: ".")], let found = child.find(Array(path.dropFirst(length))) {
                    return found
                }
            }
            return nil
        case .list(let items):
            guard let index = Int(first), items.indices.contains(index) else { return nil }
            return items[index].find(Array(path.dropFirst()))
        default:
            return nil
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .boolean(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .unsigned(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .text(let value): try container.encode(value)
        case .list(let items): try container.encode(items)
        case .object(let fields): try container.encode(fields)
        }
    }

    /// Text as it is, numbers as JSON writes them, lists and objects as one line of JSON.
    var text: String {
        switch self {
        case .null: return "null"
        case .boolean(let value): return "\(value)"
        case .integer(let value): return "\(value)"
        case .unsigned(let value): return "\(value)"
        case .number(let value): return "\(value)"
        case .text(let value): return value
        case .list, .object:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            // A tree decoded from JSON holds only finite numbers: it always encodes.
            return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "?"
        }
    }
}
