import Glibc

/// The summary of a soak: one results folder of `scripts/soak.sh`, or several merged. What
/// `stress summarize` prints and writes to `summary.txt` (`text`) and `summary.json` (the
/// JSON of this type), both from these fields.
///
/// Invariants: `clean` is true exactly when `findings` is empty; `totalJobs` is the sum of
/// the release and TSan jobs; the confidence bound is printed only for a clean soak that
/// ran jobs. A finding is anything that must fail the soak: a stress run that failed or
/// left no readable report, a TSan report, an ordering canary TSan did not see, a self-test
/// that failed, an unknown phase, no shard at all, or (merging) a shard that did not finish.
///
/// An interrupted run (SIGINT or SIGTERM: exit 130 or 143, and for a stress run a report
/// with the verdict `interrupted`) is not a finding: its jobs count, and it is listed in
/// `interrupted`. A shard that soak.sh stopped on an interrupt still finishes (it writes its
/// summary), so merging accepts it.
public struct SoakSummary: VersionedReport, Sendable, Equatable {
    public static let reportName = "soak summary"
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int?
    /// Shard names, in folder path order.
    public var shards: [String]
    /// From the first shard's meta.env (nil: no shard, or not recorded).
    public var commit: String?
    public var toolchain: String?
    public var hostCPUs: String?
    /// Per shard: "NAME SCHEDULER seeds LOW...HIGH" over its stress runs, or "-".
    public var seedRanges: [String]
    public var release: PhaseTotals
    public var tsan: PhaseTotals
    /// Per TSan ordering canary: in how many runs TSan reported it.
    public var orderingCanaries: [String: OrderingCanaryTally]
    /// Per self-test canary: detections over every shard's self-test.
    public var selfTest: [String: CanaryTally]
    public var totalJobs: UInt64
    public var findings: [String]
    /// Runs and shards stopped by SIGINT or SIGTERM (not findings: their jobs count). nil in
    /// summaries older than this field.
    public var interrupted: [String]?
    public var clean: Bool
    /// Release jobs/s over TSan jobs/s (0: one of them did not run).
    public var tsanSlowdown: Double
    /// Protocol-race coverage summed over every release and TSan run that reported it (nil:
    /// none did, or written before coverage existed).
    public var coverage: RaceCoverageReport?
    /// With `--require-coverage`: the applicable races no run saw, each also a finding (nil:
    /// coverage was not required).
    public var coverageGaps: [String]?

    /// Totals of the stress runs of one phase (release or tsan) that left a report.
    public struct PhaseTotals: Codable, Sendable, Equatable {
        public var runs = 0
        public var jobs: UInt64 = 0
        public var seconds = 0.0
        public var jobsPerSecond = 0.0
        public var faultsInjected: UInt64 = 0
        public var faultsNotReached: UInt64 = 0
        public var stopsPropagated: UInt64 = 0
        public var poolsCreated: UInt64 = 0
        public var worstLatencyNanoseconds: UInt64 = 0
        /// Jobs per "SCHEDULER xTHREADS".
        public var perConfiguration: [String: UInt64] = [:]
        /// Faults fired per kind, over every point.
        public var faultsByKind: [String: UInt64] = [:]

        public init() {}

        mutating func add(_ report: StressSummary) {
            runs += 1
            jobs += report.jobs
            seconds += report.elapsedSeconds
            jobsPerSecond = seconds > 0 ? Double(jobs) / seconds : 0
            faultsInjected += report.faultsInjected
            faultsNotReached += report.faultsNotReached
            stopsPropagated += report.stopsPropagated
            poolsCreated += report.poolsCreated
            worstLatencyNanoseconds = max(worstLatencyNanoseconds, report.latencyNanoseconds.max)
            for row in report.perConfiguration { perConfiguration["\(row.scheduler) x\(row.threads)", default: 0] += row.jobs }
            for row in report.faults { faultsByKind[row.kind, default: 0] += row.count }
        }

        func line(_ name: String) -> String {
            let faults = faultsByKind.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            return "\(name): \(jobs) jobs in \(printfFormat("%.1f", seconds)) s = \(Int(jobsPerSecond)) jobs/s "
                + "(\(runs) run\(runs == 1 ? "" : "s")); faults injected \(faultsInjected)"
                + (faults.isEmpty ? "" : " [\(faults)]")
                + ", stops propagated \(stopsPropagated), pools created \(poolsCreated), "
                + "worst job latency \(printfFormat("%.3f", Double(worstLatencyNanoseconds) / 1e9)) s"
        }
    }

    /// One TSan ordering canary over every shard.
    public struct OrderingCanaryTally: Codable, Sendable, Equatable {
        public var reported = 0
        public var runs = 0
    }

    /// One self-test canary over every shard: detections, how, and the slowest detection.
    public struct CanaryTally: Codable, Sendable, Equatable {
        public var runs = 0
        public var detected = 0
        public var slowestSeconds = 0.0
        /// The verdicts that detected it, sorted, without repeats.
        public var how: [String] = []
    }

    /// Summarizes `shards`, found under the folders `searched`; with `merge`, a shard that
    /// did not finish is a finding; with `requireCoverage`, so is a protocol race that some
    /// run could exercise and no run saw.
    public init(shards: [SoakShard], searched: [String], merge: Bool, requireCoverage: Bool = false) {
        schemaVersion = Self.currentSchemaVersion
        self.shards = shards.map(\.name)
        commit = shards.first?.meta["commit"]
        toolchain = shards.first?.meta["toolchain"]
        hostCPUs = shards.first?.meta["host_cpus"]
        seedRanges = shards.map { shard in
            let seeds = shard.runs.filter { $0.phase == "release" || $0.phase == "tsan" }.compactMap { UInt64($0.seed) }
            guard let low = seeds.min(), let high = seeds.max() else { return "-" }
            return "\(shard.meta["shard"] ?? "?") \(shard.meta["scheduler"] ?? "?")" + (shard.meta["reducer"].map { "+\($0)" } ?? "") + " seeds \(low)...\(high)"
        }
        release = PhaseTotals()
        tsan = PhaseTotals()
        orderingCanaries = [:]
        selfTest = [:]
        findings = []
        var interrupted: [String] = []
        if shards.isEmpty { findings.append("no runs.tsv found under \(searched.joined(separator: ", "))") }
        var coverages: [RaceCoverageReport] = []
        for shard in shards {
            if merge && !shard.finished {
                findings.append("[\(shard.name)] did not finish (no summary.json in \(shard.folder)): cancelled, timed out or crashed")
            }
            if let signal = shard.meta["interrupted"] {
                interrupted.append("[\(shard.name)] soak.sh stopped by \(signal): later phases did not run")
            }
            for run in shard.runs {
                if let note = Self.interruption(run, shard: shard.name) {
                    interrupted.append(note)
                } else if let problem = Self.finding(run, shard: shard.name) {
                    findings.append(problem)
                }
                if run.phase == "release" || run.phase == "tsan", let coverage = run.report?.coverage { coverages.append(coverage) }
                switch run.phase {
                case "release": if let report = run.report { release.add(report) }
                case "tsan": if let report = run.report { tsan.add(report) }
                case "tsan-canary":
                    orderingCanaries[run.detail, default: OrderingCanaryTally()].runs += 1
                    if run.tsanReport == "yes" { orderingCanaries[run.detail]!.reported += 1 }
                case "self-test":
                    for result in run.canaryResults { Self.tally(result, into: &selfTest) }
                default: break
                }
            }
        }
        coverage = RaceCoverageReport.merged(coverages)
        if requireCoverage {
            let gaps = coverage?.neverSeen ?? []
            coverageGaps = gaps
            if coverage == nil {
                findings.append("--require-coverage, but no run reported protocol-race coverage")
            }
            findings += gaps.map { "protocol race \($0) never seen in any run (docs/PROTOCOL.md, \"Protocol races\")" }
        }
        totalJobs = release.jobs + tsan.jobs
        self.interrupted = interrupted
        clean = findings.isEmpty
        tsanSlowdown = tsan.jobsPerSecond > 0 ? release.jobsPerSecond / tsan.jobsPerSecond : 0
    }

    static func tally(_ result: SoakShard.CanaryResult, into selfTest: inout [String: CanaryTally]) {
        var tally = selfTest[result.canary, default: CanaryTally()]
        tally.runs += 1
        if result.detected {
            tally.detected += 1
            if let how = result.how, !tally.how.contains(how) { tally.how = (tally.how + [how]).sorted() }
            if let seconds = result.seconds { tally.slowestSeconds = max(tally.slowestSeconds, seconds) }
        }
        selfTest[result.canary] = tally
    }

    /// The exit codes of a process that SIGINT or SIGTERM stopped (`StressExitCode.interrupted(by:)`).
    static let interruptedExitCodes = [SIGINT, SIGTERM].map(StressExitCode.interrupted(by:))

    /// A note for a run that an interrupt stopped, or nil. A stress run counts as interrupted
    /// only with its report saying so: an exit code alone could hide a finding.
    static func interruption(_ run: SoakShard.Run, shard: String) -> String? {
        guard interruptedExitCodes.contains(Int32(clamping: run.exitCode)) else { return nil }
        let place = "[\(shard)] \(run.phase) seed \(run.seed)"
        switch run.phase {
        case "release", "tsan":
            guard let report = run.report, report.knownVerdict == .interrupted, run.tsanReport != "yes" else { return nil }
            return "\(place): \(report.message.prefix { $0 != ":" }) (exit \(run.exitCode)); its \(report.jobs) jobs are counted"
        case "self-test", "tsan-canary":
            return run.tsanReport == "yes" ? nil : "\(place): stopped by an interrupt (exit \(run.exitCode))"
        default:
            return nil
        }
    }

    /// What went wrong in one run, or nil.
    static func finding(_ run: SoakShard.Run, shard: String) -> String? {
        let place = "[\(shard)] \(run.phase) seed \(run.seed)"
        switch run.phase {
        case "release", "tsan":
            if run.tsanReport == "yes" {
                return "\(place): ThreadSanitizer reported (see reports/ and \(run.log))"
            }
            if run.exitCode != 0 {
                guard let report = run.report else {
                    let missing = run.reportProblem.map { "unreadable JSON report: \($0)" } ?? "no JSON report"
                    return "\(place): exit \(run.exitCode) (\(missing); see \(run.log))"
                }
                return "\(place): exit \(run.exitCode) (\(report.verdict): \(report.message))" + (report.replay.map { "; replay: \($0)" } ?? "")
            }
            guard let report = run.report else {
                return "\(place): exit 0 but " + (run.reportProblem.map { "an unreadable JSON report: \($0)" } ?? "no JSON report (\(run.detail))")
            }
            if report.violations != 0 { return "\(place): \(report.violations) violation(s)" }
            return nil
        case "tsan-canary":
            return run.tsanReport == "yes" ? nil
                : "\(place): ordering canary \(run.detail) NOT reported by TSan (exit \(run.exitCode)): TSan cannot see ordering bugs on this machine"
        case "self-test":
            return run.exitCode == 0 ? nil : "\(place): self-test exit \(run.exitCode) (a canary survived or the run failed; see \(run.log))"
        default:
            return "\(place): unknown phase in runs.tsv"
        }
    }

    /// The exit code of `stress summarize`: 0 clean; 4 when the only findings are races
    /// never seen (`--require-coverage`); 1 anything else found.
    public var exitCode: Int32 {
        if clean { return StressExitCode.passed }
        let gaps = coverageGaps?.count ?? 0
        return gaps > 0 && gaps == findings.count ? StressExitCode.coverageIncomplete : StressExitCode.violation
    }

    /// The printed summary (also summary.txt).
    public var text: String {
        func plural(_ count: Int, _ word: String) -> String { "\(count) \(word)\(count == 1 ? "" : "s")" }
        var lines: [String] = []
        lines.append("soak summary: \(plural(shards.count, "shard")) (\(shards.joined(separator: ", ")))")
        if !shards.isEmpty {
            lines.append("  commit \(commit ?? "?"), \(toolchain ?? "?"), \(hostCPUs ?? "?") CPUs")
        }
        lines.append("  " + seedRanges.joined(separator: "; "))
        lines.append("  " + release.line("release"))
        lines.append("  " + tsan.line("tsan   "))
        if release.jobsPerSecond > 0 && tsan.jobsPerSecond > 0 {
            lines.append("  throughput: TSan \(printfFormat("%.0f", tsan.jobsPerSecond)) jobs/s against release "
                         + "\(printfFormat("%.0f", release.jobsPerSecond)) jobs/s on the same seeds: \(printfFormat("%.2f", tsanSlowdown))x slower")
        }
        let configurations = release.perConfiguration.merging(tsan.perConfiguration, uniquingKeysWith: +)
            .sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        if !configurations.isEmpty { lines.append("  jobs per scheduler and thread count: " + configurations.joined(separator: ", ")) }
        lines.append("  TSan ordering canaries: " + (orderingCanaries.isEmpty ? "not run" : orderingCanaries.sorted { $0.key < $1.key }
            .map { "\($0.key) reported by TSan in \($0.value.reported)/\(plural($0.value.runs, "run"))" }
            .joined(separator: ", ")))
        lines.append("  self-test (canaries the harness must catch without TSan):" + (selfTest.isEmpty ? " not run, or no result lines" : ""))
        for (name, tally) in selfTest.sorted(by: { $0.key < $1.key }) {
            let survived = tally.runs - tally.detected
            lines.append("    \(name): detected in \(tally.detected)/\(plural(tally.runs, "run"))"
                         + (tally.how.isEmpty ? "" : " (\(tally.how.joined(separator: ", ")))")
                         + (tally.detected > 0 ? ", slowest detection \(printfFormat("%.1f", tally.slowestSeconds)) s" : "")
                         + (survived > 0 ? "; SURVIVED \(survived)" : ""))
        }
        if let coverage {
            lines.append("  protocol races over every release and TSan run: \(coverage.headline)")
            lines += coverage.tableLines.map { "  " + $0 }
        }
        if findings.isEmpty && totalJobs > 0 {
            lines.append("  0 failures in \(totalJobs) jobs (release + TSan): failure rate < 3/\(totalJobs) = "
                         + printfFormat("%.1e", 3 / Double(totalJobs)) + " per job at 95% confidence")
        } else {
            lines.append("  \(plural(findings.count, "finding")) in \(totalJobs) jobs: no confidence bound")
        }
        lines += (interrupted ?? []).map { "  interrupted: " + $0 }
        lines += findings.map { "  FOUND " + $0 }
        lines.append(findings.isEmpty ? "soak verdict: CLEAN" : "soak verdict: FOUND \(plural(findings.count, "problem"))")
        return lines.joined(separator: "\n") + "\n"
    }
}
