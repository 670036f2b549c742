/// The validated command line of `stress summarize`.
///
/// Contract: `parse(_:)` is a pure function of the arguments that follow `summarize`; every
/// invalid command line is a `StressUsageError` whose message says what is wrong.
public struct SummarizeOptions: Sendable, Equatable {
    /// With --merge, a shard that did not finish (no summary.json) is a finding.
    public var merge = false
    /// A protocol race that some run could exercise and no run saw is a finding.
    public var requireCoverage = false
    /// Where summary.txt and summary.json go (created if missing).
    public var outputFolder = ""
    /// Results folders, searched recursively for runs.tsv (or runs.tsv files themselves).
    public var inputFolders: [String] = []
    public var help = false

    public init() {}

    public static let usage = """
        usage: stress summarize [--merge] [--require-coverage] --out DIR FOLDER...

          FOLDER...   results folders of scripts/soak.sh, searched at any depth for runs.tsv
                      (with meta.env and the stress JSON reports beside it)
          --out DIR   write summary.txt and summary.json there (created if missing)
          --merge     the folders are shards of one soak: a shard that did not finish
                      (no summary.json of its own) is a finding
          --require-coverage
                      a protocol race that some run could exercise and no run saw is a
                      finding (the runs' coverage is summed first: docs/PROTOCOL.md,
                      "Protocol races")
          --help      this text

        exit codes: 0 clean, 1 something found (or the summary could not be written),
                    4 only races never seen (--require-coverage), 64 usage error
        """

    public static func parse(_ arguments: [String]) throws(StressUsageError) -> SummarizeOptions {
        var options = SummarizeOptions()
        var outputGiven = false
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--merge": options.merge = true
            case "--require-coverage": options.requireCoverage = true
            case "--help", "-h": options.help = true
            case "--out":
                index += 1
                guard index < arguments.count, !arguments[index].hasPrefix("-"), !arguments[index].isEmpty else {
                    throw StressUsageError("--out needs a folder")
                }
                guard !outputGiven else { throw StressUsageError("--out given twice") }
                options.outputFolder = arguments[index]
                outputGiven = true
            default:
                if argument.hasPrefix("-") { throw StressUsageError("unknown option '\(argument)'") }
                if argument.isEmpty { throw StressUsageError("an empty folder name") }
                options.inputFolders.append(argument)
            }
            index += 1
        }
        if options.help { return options }
        guard outputGiven else { throw StressUsageError("needs --out DIR") }
        guard !options.inputFolders.isEmpty else { throw StressUsageError("needs at least one results folder") }
        return options
    }
}
