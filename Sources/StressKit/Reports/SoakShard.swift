/// One results folder of `scripts/soak.sh` (one shard), as `stress summarize` reads it.
///
/// The folder holds `runs.tsv` (a header, then one tab-separated line per run: phase,
/// seed, planned seconds, exit code, TSan report yes/no/-, detail, log; file names relative
/// to the folder), `meta.env` (key=value lines: shard, scheduler, commit, toolchain,
/// host_cpus, ...), each stress run's `--json` report and log, and, once that shard's
/// soak.sh reached its end, `summary.json`. Loading never fails: what cannot be read is
/// recorded (a run's `reportProblem`, an empty `meta`) and judged by `SoakSummary`.
public struct SoakShard: Sendable, Equatable {
    /// Absolute path of the folder.
    public var folder: String
    public var meta: [String: String]
    public var runs: [Run]
    /// Whether the shard's own soak.sh reached its summary (it writes summary.json last).
    public var finished: Bool

    /// The shard's name: `shard` from meta.env, else the folder's name.
    public var name: String { meta["shard"] ?? FileAccess.lastComponent(of: folder) }

    /// One line of runs.tsv, with what it points to already read.
    public struct Run: Sendable, Equatable {
        /// "self-test", "release", "tsan" or "tsan-canary".
        public var phase: String
        public var seed: String
        public var plannedSeconds: Double
        public var exitCode: Int
        /// "yes", "no", or "-" where TSan was not involved.
        public var tsanReport: String
        /// The run's JSON report (release, tsan) or the canary's name (tsan-canary).
        public var detail: String
        public var log: String
        /// The stress report `detail` names, if it names one that could be read.
        public var report: StressSummary?
        /// Why the report `detail` names could not be read; nil when it was read, or when
        /// there is no file at all (a run killed before its report).
        public var reportProblem: String?
        /// For a self-test run: its per-canary result lines, from its log.
        public var canaryResults: [CanaryResult] = []

        public init(phase: String, seed: String, plannedSeconds: Double, exitCode: Int, tsanReport: String,
                    detail: String, log: String) {
            self.phase = phase
            self.seed = seed
            self.plannedSeconds = plannedSeconds
            self.exitCode = exitCode
            self.tsanReport = tsanReport
            self.detail = detail
            self.log = log
        }
    }

    /// One line of `stress --self-test` output: "  NAME: detected (HOW) in SECONDS s[; note]"
    /// or "  NAME: SURVIVED (HOW) in SECONDS s[; note]".
    public struct CanaryResult: Sendable, Equatable {
        public var canary: String
        public var detected: Bool
        public var how: String?
        public var seconds: Double?

        /// Parses one line of the self-test's output; nil for any other line.
        public static func parse(_ line: Substring) -> CanaryResult? {
            guard line.hasPrefix("  ") else { return nil }
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            guard let colon = trimmed.firstRange(of: ": ") else { return nil }
            let canary = String(trimmed[..<colon.lowerBound])
            let rest = trimmed[colon.upperBound...]
            let detected = rest.hasPrefix("detected")
            guard detected || rest.hasPrefix("SURVIVED") else { return nil }
            var result = CanaryResult(canary: canary, detected: detected, how: nil, seconds: nil)
            guard detected, let open = rest.firstIndex(of: "("), let close = rest[open...].firstIndex(of: ")") else { return result }
            result.how = String(rest[rest.index(after: open)..<close])
            // The time follows the parenthesis; a note after it may contain " in " too.
            let afterHow = rest[rest.index(after: close)...]
            if afterHow.hasPrefix(" in "), let token = afterHow.dropFirst(4).split(separator: " ").first {
                result.seconds = Double(token)
            }
            return result
        }
    }

    /// Every shard under `roots`: each runs.tsv found at any depth (or a root that is one),
    /// in path order.
    public static func find(under roots: [String]) -> [SoakShard] {
        roots.flatMap { FileAccess.findFiles(named: "runs.tsv", under: FileAccess.absolutePath($0)) }.map(load(runsFile:))
    }

    /// The shard whose runs.tsv is `runsFile`.
    public static func load(runsFile: String) -> SoakShard {
        let folder = FileAccess.parentFolder(of: runsFile)
        func inFolder(_ name: String) -> String { folder + "/" + name }
        var meta: [String: String] = [:]
        for line in (FileAccess.readText(inFolder("meta.env")) ?? "").split(separator: "\n") {
            if let equals = line.firstIndex(of: "=") {
                meta[String(line[..<equals])] = String(line[line.index(after: equals)...])
            }
        }
        var runs: [Run] = []
        for line in (FileAccess.readText(runsFile) ?? "").split(separator: "\n").dropFirst() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 7 else { continue }
            var run = Run(phase: fields[0], seed: fields[1], plannedSeconds: Double(fields[2]) ?? 0,
                          exitCode: Int(fields[3]) ?? -1, tsanReport: fields[4], detail: fields[5], log: fields[6])
            if run.detail.hasSuffix(".json") && FileAccess.exists(inFolder(run.detail)) {
                do {
                    run.report = try StressSummary.read(inFolder(run.detail))
                } catch {
                    run.reportProblem = error.description
                }
            }
            if run.phase == "self-test" {
                run.canaryResults = (FileAccess.readText(inFolder(run.log)) ?? "").split(separator: "\n").compactMap(CanaryResult.parse)
            }
            runs.append(run)
        }
        return SoakShard(folder: folder, meta: meta, runs: runs, finished: FileAccess.exists(inFolder("summary.json")))
    }
}
