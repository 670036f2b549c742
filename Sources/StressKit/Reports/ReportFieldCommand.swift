/// `stress report-field REPORT FIELD`: prints one field of a `--json` report, so that shell
/// scripts read reports through `StressSummary` (validated, any version since 1.0.0)
/// instead of searching JSON text.
///
/// The field is looked up in the report as this build encodes it, so every field of
/// `StressSummary`, present and future, can be read without a list to keep up to date.
public enum ReportFieldCommand {
    public static let usage = """
        usage: stress report-field REPORT FIELD

          REPORT   a stress --json report (any version since 1.0.0)
          FIELD    a field, or a dotted path into nested ones: jobsPerSecond, verdict,
                   latencyNanoseconds.max, perConfiguration.0.jobs
        Prints the value: text unquoted, numbers as written, lists and objects as JSON.

        exit codes: 0 printed, 1 the report cannot be read or has no such field, 64 usage error
        """

    /// The report and the field, or nil for --help.
    public static func parse(_ arguments: [String]) throws(StressUsageError) -> (report: String, field: String)? {
        if arguments.contains("--help") || arguments.contains("-h") { return nil }
        if let option = arguments.first(where: { $0.hasPrefix("-") }) { throw StressUsageError("unknown option '\(option)'") }
        guard arguments.count == 2 else {
            throw StressUsageError("needs a report and a field, got \(arguments.count) argument\(arguments.count == 1 ? "" : "s")")
        }
        guard !arguments[0].isEmpty, !arguments[1].isEmpty else { throw StressUsageError("an empty report path or field") }
        return (arguments[0], arguments[1])
    }

    public static func main(arguments: [String]) -> Int32 {
        let request: (report: String, field: String)?
        do {
            request = try parse(arguments)
        } catch {
            ConsoleOutput.error("stress report-field: \(error.message)\n\(usage)\n")
            return StressExitCode.usage
        }
        guard let request else {
            ConsoleOutput.out(usage + "\n")
            return StressExitCode.passed
        }
        let report: StressSummary
        do {
            report = try StressSummary.read(request.report)
        } catch {
            ConsoleOutput.error("stress report-field: \(error)\n")
            return StressExitCode.violation
        }
        guard let value = value(of: request.field, in: report) else {
            ConsoleOutput.error("stress report-field: \(request.report) has no field '\(request.field)'\n")
            return StressExitCode.violation
        }
        ConsoleOutput.out(value + "\n")
        return StressExitCode.passed
    }

    /// The field's value as `main` prints it, or nil if the report has no such field (an
    /// optional section it does not carry included).
    public static func value(of field: String, in report: StressSummary) -> String? {
        let tree: JSONTree
        do {
            tree = try JSONTree.decode(ReportJSON.encode(report))
        } catch {
            preconditionFailure("a StressSummary's own JSON did not decode: \(error)")
        }
        return tree.find(field.split(separator: ".", omittingEmptySubsequences: false).map(String.init))?.text
    }
}
