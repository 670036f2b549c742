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
    public func run(_ arguments: [String]) -> Int32 {
        switch self {
        case .summarize: SummarizeCommand.main(arguments: arguments)
        case .reportField: ReportFieldCommand.main(arguments: arguments)
        }
    }
}
