/// `stress summarize [--merge] --out DIR FOLDER...`: one summary of `scripts/soak.sh`
/// results folders. Prints it, writes DIR/summary.txt and then DIR/summary.json (last, and
/// atomically: soak.sh's merge reads its presence as "this shard finished"), and exits 1 if
/// anything was found (or, with --merge, a shard did not finish), 4 if the only findings
/// are races never seen (--require-coverage), else 0; 64 for a bad command line.
public enum SummarizeCommand {
    public static func main(arguments: [String]) -> Int32 {
        let options: SummarizeOptions
        do {
            options = try SummarizeOptions.parse(arguments)
        } catch {
            ConsoleOutput.error("stress summarize: \(error.message)\n\(SummarizeOptions.usage)\n")
            return StressExitCode.usage
        }
        if options.help {
            ConsoleOutput.out(SummarizeOptions.usage + "\n")
            return StressExitCode.passed
        }
        let searched = options.inputFolders.map(FileAccess.absolutePath)
        let summary = SoakSummary(shards: SoakShard.find(under: searched), searched: searched, merge: options.merge,
                                  requireCoverage: options.requireCoverage)
        let text = summary.text
        ConsoleOutput.out(text)
        do {
            try FileAccess.createFolders(options.outputFolder)
            try FileAccess.writeAtomically(Array(text.utf8), to: options.outputFolder + "/summary.txt")
            try ReportJSON.write(summary, to: options.outputFolder + "/summary.json")
        } catch {
            ConsoleOutput.error("stress summarize: cannot write the summary to \(options.outputFolder): \(error)\n")
            return StressExitCode.violation
        }
        return summary.exitCode
    }
}
