/// The subcommands of `stress` that read reports instead of running the pool; the driver
/// dispatches to one when it is the first argument.
public enum StressSubcommand: String, CaseIterable, Sendable {
    /// `stress summarize`: one summary of `scripts/soak.sh` results folders.
    case summarize
    /// `stress report-field`: one field of a `--json` report, for shell scripts.
    case reportField = "report-field"

    public static let overview = """
        subcommands (see stress SUBCOMMAND --help):
          stress summarize [--merge] --out DIR FOLDER...   one summary of scripts/soak.sh results folders
          stress report-field REPORT FIELD                 one field of a --json report, e.g. jobsPerSecond
        """

    /// Runs the subcommand with the arguments that follow its name; returns the exit code.
    /// With `--check-args` among them, only parses the others (`StressOptions.checkArguments`).
    public func run(_ arguments: [String]) -> Int32 {
        let flag = StressOptions.checkArgumentsFlag
        if arguments.contains(flag) { return checkArguments(arguments.filter { $0 != flag }) }
        return switch self {
        case .summarize: SummarizeCommand.main(arguments: arguments)
        case .reportField: ReportFieldCommand.main(arguments: arguments)
        }
    }

    /// Parses `arguments` as the subcommand would: exit 0, or 64 with the usage error.
    func checkArguments(_ arguments: [String]) -> Int32 {
        do throws(StressUsageError) {
            switch self {
            case .summarize: _ = try SummarizeOptions.parse(arguments)
            case .reportField: _ = try ReportFieldCommand.parse(arguments)
            }
            return StressExitCode.passed
        } catch {
            let usage = switch self {
            case .summarize: SummarizeOptions.usage
            case .reportField: ReportFieldCommand.usage
            }
            ConsoleOutput.error("stress \(rawValue): \(error.message)\n\(usage)\n")
            return StressExitCode.usage
        }
    }
}
