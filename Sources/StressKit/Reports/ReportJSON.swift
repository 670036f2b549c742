import FoundationEssentials

/// A report written as JSON by one version of `stress` and read back by another.
///
/// Compatibility rules, which every report type keeps:
/// - A new section or field is an optional: readers that predate it ignore it (JSON
///   decoding skips unknown keys), and files that predate it decode it as nil.
/// - `schemaVersion` goes up only for a change old readers cannot survive (a field removed,
///   renamed or retyped). A reader refuses a schema newer than its own with a message that
///   says so, instead of failing on a field it does not know.
/// - nil `schemaVersion`: a file written before reports carried one (stress 1.0.0).
public protocol VersionedReport: Codable {
    /// What the file is, for messages ("stress report").
    static var reportName: String { get }
    /// The schema this code writes, and the newest it reads.
    static var currentSchemaVersion: Int { get }
    var schemaVersion: Int? { get }
}

/// Why a report file could not be read: the file, and what is wrong with it.
public struct ReportReadError: Error, Equatable, CustomStringConvertible {
    public var path: String
    public var problem: String

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }
}

/// The one JSON format of every report: pretty-printed, keys sorted (stable diffs), slashes
/// unescaped (paths and replay commands stay readable), and non-finite numbers as strings
/// so that no value can make the encoder fail and lose a report.
public enum ReportJSON {
    static let nonFinite = (positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")

    public static func encode<Report: Encodable>(_ report: Report) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: nonFinite.positiveInfinity, negativeInfinity: nonFinite.negativeInfinity, nan: nonFinite.nan)
        do {
            return Array(try encoder.encode(report)) + [UInt8(ascii: "\n")]
        } catch {
            // Only non-finite floats can fail, and the strategy above encodes them.
            preconditionFailure("a \(Report.self) could not be encoded as JSON: \(error)")
        }
    }

    /// Writes `report` to `path` atomically (`FileAccess.writeAtomically`).
    public static func write<Report: Encodable>(_ report: Report, to path: String) throws(FileAccessError) {
        try FileAccess.writeAtomically(encode(report), to: path)
    }

    /// Reads a report of type `Report` from `path`.
    public static func read<Report: VersionedReport>(_ type: Report.Type, from path: String) throws(ReportReadError) -> Report {
        let bytes: [UInt8]
        do {
            bytes = try FileAccess.read(path)
        } catch {
            throw ReportReadError(path: path, problem: "\(error)")
        }
        return try decode(type, from: bytes, path: path)
    }

    /// Decodes a report of type `Report`; `path` names it in errors.
    public static func decode<Report: VersionedReport>(_ type: Report.Type, from bytes: [UInt8], path: String) throws(ReportReadError) -> Report {
        func failure(_ problem: String) -> ReportReadError { ReportReadError(path: path, problem: problem) }
        if bytes.allSatisfy({ [0x20, 0x0A, 0x0D, 0x09].contains($0) }) {
            throw failure("empty file, not a \(Report.reportName) (a stress older than atomic reports leaves one when killed before its report)")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: nonFinite.positiveInfinity, negativeInfinity: nonFinite.negativeInfinity, nan: nonFinite.nan)
        let data = Data(bytes)
        // The version first: a newer schema must be refused as such, not as a missing field.
        let header: SchemaHeader
        do {
            header = try decoder.decode(SchemaHeader.self, from: data)
        } catch {
            throw failure("not a \(Report.reportName): \(describe(error))")
        }
        let schema = header.schemaVersion.map { "schema \($0)" }
            ?? "no schemaVersion: written by stress \(header.version ?? "1.0.0") or older"
        if let version = header.schemaVersion, version > Report.currentSchemaVersion || version < 1 {
            throw failure("\(Report.reportName) of schema \(version), but this stress reads schemas 1 to \(Report.currentSchemaVersion): "
                          + "read it with the stress that wrote it")
        }
        do {
            return try decoder.decode(Report.self, from: data)
        } catch {
            throw failure("not a readable \(Report.reportName) (\(schema)): \(describe(error))")
        }
    }

    /// The fields every report type's version check needs.
    struct SchemaHeader: Decodable {
        var schemaVersion: Int?
        var version: String?
    }

    /// A decoding error as one line that names the field.
    static func describe(_ error: any Error) -> String {
        func field(_ path: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            let keys = path + (last.map { [$0] } ?? [])
            var text = ""
            for key in keys {
                if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
            }
            return text.isEmpty ? "the top level" : "'\(text)'"
        }
        guard let decoding = error as? DecodingError else { return "\(error)" }
        switch decoding {
        case .keyNotFound(let key, let context):
            return "missing field \(field(context.codingPath, key))"
        case .valueNotFound(let type, let context):
            return "field \(field(context.codingPath)) is null, expected \(type)"
        case .typeMismatch(let type, let context):
            return "field \(field(context.codingPath)) is not a \(type)"
        case .dataCorrupted(let context):
            let underlying = context.underlyingError.map { ": \($0)" } ?? ""
            return context.codingPath.isEmpty
                ? "invalid JSON (\(context.debugDescription)\(underlying))"
                : "field \(field(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(decoding)"
        }
    }
}
