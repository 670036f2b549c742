/// The end-of-run report of one `stress` run: what `--json` writes, what the text summary
/// at the end of a run prints, and what `stress summarize`, `stress report-field` and the
/// self-test read back. One type, written and read by the same code.
///
/// Invariants: a snapshot (plain values, taken after the run or at the violation); `text`
/// and the JSON are both rendered from these fields, never from the live counters.
///
/// Compatibility (see `VersionedReport`): the JSON keys are those of stress 1.0.0, whose
/// reports (without `schemaVersion`) decode as they are; later sections (a protocol-race
/// coverage table, per-phase throughput, ...) are added as optionals, so that files without
/// them still decode. `verdict` is kept as its text, not as `Verdict`: a reader that
/// predates a new verdict still reads the report (`knownVerdict` is then nil).
public struct StressSummary: VersionedReport, Sendable, Equatable {
    public static let reportName = "stress report"
    /// 2: the first schema to say so. Schema 1 (stress 1.0.0, no field) has the same keys.
    public static let currentSchemaVersion = 2

    public var schemaVersion: Int?
    /// The `stress` version that wrote the report.
    public var version: String
    public var seed: UInt64
    /// FNV-1a digest of the plan's first episodes, as 0x and 16 hex digits.
    public var planDigest: String
    /// The canary run instead of the real pool, if any.
    public var variant: String?
    /// `Verdict.rawValue`: "passed", "wrong result", "invariant", "stall", "lost wake-up", ...
    public var verdict: String
    public var exitCode: Int32
    public var message: String
    /// Where the run stopped (nil: it ran to its deadline, or failed outside an episode).
    public var episode: Int?
    public var jobIndex: Int?
    /// The command that replays the plan from `episode`.
    public var replay: String?
    public var plannedSeconds: Double
    /// Rounded to milliseconds.
    public var elapsedSeconds: Double
    public var jobs: UInt64
    public var jobsPerSecond: Int
    public var episodes: UInt64
    public var poolsCreated: UInt64
    public var faultsInjected: UInt64
    /// Faults armed on a point the job never reached.
    public var faultsNotReached: UInt64
    /// Injected failures that surfaced as the right error, after which the pool refused jobs.
    public var stopsPropagated: UInt64
    /// Jobs per scheduler and thread count, for every configuration that ran.
    public var perConfiguration: [ConfigurationRow]
    /// Jobs per reducer (stress 1.x reports before reducers were drawn have none).
    public var perReducer: [ReducerRow]?
    /// Faults fired per kind and point, for every pair that fired.
    public var faults: [FaultRow]
    public var latencyNanoseconds: LatencyPercentiles
    public var violations: Int
    /// The rule-of-three bound over the jobs run, or why there is none.
    public var confidence: String
    /// For a driver that died of a signal: the signal, the thread, every caller's state
    /// (`CrashSection`). nil otherwise, and in reports older than this field.
    public var crash: CrashSection?
    /// The process's footprint across pool churn: baseline, peak and bound (`ResourceBudget`).
    /// nil where it was not measured (reports written by the supervisor, older reports).
    public var resources: ResourceSection?
    /// `stress --explore` only: schedules, rate, digest, the failing schedule and its trace.
    public var exploration: ExplorationReport?
    /// `--profile` (nil: written before profiles existed, which ran as `noisy`).
    public var profile: String?
    /// The hot plan's digest, when the run alternated noisy and hot phases.
    public var hotPlanDigest: String?
    /// Time, jobs and episodes per phase kind (nil: written before phases existed).
    public var perPhase: [PhaseReport]?
    /// Which protocol races the run exercised (nil: written before coverage existed).
    public var coverage: RaceCoverageReport?

    /// Jobs run on one scheduler with one thread count.
    public struct ConfigurationRow: Codable, Sendable, Equatable {
        public var scheduler: String
        public var threads: Int
        public var jobs: UInt64

        public init(scheduler: String, threads: Int, jobs: UInt64) {
            self.scheduler = scheduler
            self.threads = threads
            self.jobs = jobs
        }
    }

    /// Jobs run on pools with one reducer.
    public struct ReducerRow: Codable, Sendable, Equatable {
        public var reducer: String
        public var jobs: UInt64

        public init(reducer: String, jobs: UInt64) {
            self.reducer = reducer
            self.jobs = jobs
        }
    }

    /// How often one fault kind fired at one point ("share" for a throw in the share).
    public struct FaultRow: Codable, Sendable, Equatable {
        public var kind: String
        public var point: String
        public var count: UInt64

        public init(kind: String, point: String, count: UInt64) {
            self.kind = kind
            self.point = point
            self.count = count
        }
    }

    /// Job latency percentiles from the run's histogram (bucket upper bounds, within 19%),
    /// and the exact worst latency.
    public struct LatencyPercentiles: Codable, Sendable, Equatable {
        public var p50: UInt64
        public var p90: UInt64
        public var p99: UInt64
        public var p99_9: UInt64
        public var max: UInt64

        public init(p50: UInt64, p90: UInt64, p99: UInt64, p99_9: UInt64, max: UInt64) {
            self.p50 = p50
            self.p90 = p90
            self.p99 = p99
            self.p99_9 = p99_9
            self.max = max
        }

        enum CodingKeys: String, CodingKey {
            case p50, p90, p99, p99_9 = "p99.9", max
        }

        /// (label, nanoseconds) in the order the summary prints them.
        public var labelled: [(label: String, nanoseconds: UInt64)] {
            [("p50", p50), ("p90", p90), ("p99", p99), ("p99.9", p99_9), ("max", max)]
        }
    }

    /// The report of a run that ended with `verdict`; `episode` and `jobIndex` are -1 when
    /// the run did not stop inside an episode. `exitCode`: the verdict's own unless given
    /// (an interrupted run's depends on the signal).
    public init(context: RunContext, verdict: Verdict, message: String, episode: Int, jobIndex: Int, elapsedSeconds: Double,
                exitCode: Int32? = nil) {
        let statistics = context.statistics
        let jobs = statistics.jobs.load(ordering: .relaxed)
        schemaVersion = Self.currentSchemaVersion
        version = RunContext.version
        seed = context.seed
        planDigest = hex(context.digest)
        variant = context.options.variant?.rawValue
        self.verdict = verdict.rawValue
        self.exitCode = exitCode ?? verdict.exitCode
        self.message = message
        self.episode = episode >= 0 ? episode : nil
        self.jobIndex = jobIndex >= 0 ? jobIndex : nil
        replay = episode >= 0 ? context.replayCommand(episode: episode) : nil
        plannedSeconds = context.options.seconds
        self.elapsedSeconds = (elapsedSeconds * 1000).rounded() / 1000
        self.jobs = jobs
        jobsPerSecond = elapsedSeconds > 0 ? Int(Double(jobs) / elapsedSeconds) : 0
        episodes = statistics.episodes.load(ordering: .relaxed)
        poolsCreated = statistics.poolsCreated.load(ordering: .relaxed)
        faultsInjected = statistics.faultsInjected.load(ordering: .relaxed)
        faultsNotReached = statistics.faultsNotReached.load(ordering: .relaxed)
        stopsPropagated = statistics.stopsPropagated.load(ordering: .relaxed)
        perConfiguration = statistics.configurations.map {
            ConfigurationRow(scheduler: $0.scheduler.rawValue, threads: $0.threads, jobs: $0.jobs)
        }
        perReducer = statistics.reducers.map { ReducerRow(reducer: $0.reducer.rawValue, jobs: $0.jobs) }
        faults = statistics.faults.map { FaultRow(kind: $0.kind.rawValue, point: $0.point, count: $0.count) }
        latencyNanoseconds = LatencyPercentiles(
            p50: statistics.latencyPercentile(0.5), p90: statistics.latencyPercentile(0.9),
            p99: statistics.latencyPercentile(0.99), p99_9: statistics.latencyPercentile(0.999),
            max: statistics.worstLatency.load(ordering: .relaxed))
        violations = verdict.isViolation ? 1 : 0
        confidence = Self.confidence(passed: !verdict.isViolation, jobs: jobs)
        resources = context.resourceBudget.map(ResourceSection.init(budget:))
        profile = context.options.profile.rawValue
        hotPlanDigest = context.hotDigest.map(hex)
        let schedule = context.schedule
        perPhase = schedule.phases.map { phase in
            PhaseReport(phase: phase.rawValue, seconds: schedule.seconds(in: phase, elapsed: elapsedSeconds),
                        jobs: context.coverage.jobs(in: phase), episodes: context.coverage.episodes(in: phase))
        }
        coverage = RaceCoverageReport(counts: context.coverageSnapshot(), phases: schedule.phases,
                                      applicable: context.applicableRaces)
    }

    /// "0 failures in N jobs: failure rate < 3/N at 95%" (the rule of three).
    public static func confidence(passed: Bool, jobs: UInt64) -> String {
        if !passed { return "1 failure in \(jobs) jobs: see above" }
        if jobs == 0 { return "0 failures in 0 jobs: no bound" }
        return "0 failures in \(jobs) jobs: failure rate < 3/\(jobs) = \(scientific(3 / Double(jobs))) at 95%"
    }

    /// The verdict, if this build knows it.
    public var knownVerdict: Verdict? { Verdict(rawValue: verdict) }

    /// The summary printed at the end of a run.
    public var text: String {
        var lines: [String] = []
        lines.append("stress \(version): seed \(seed), plan digest \(planDigest)" + (variant.map { ", variant \($0)" } ?? ""))
        lines.append("verdict: \(verdict) (exit \(exitCode))")
        lines.append("jobs: \(jobs) in \(format3(elapsedSeconds)) s = \(jobsPerSecond) jobs/s; "
                     + "episodes \(episodes), pools created \(poolsCreated)")
        lines.append("per scheduler and thread count:")
        for row in perConfiguration {
            lines.append("  \(row.scheduler) x\(row.threads): \(row.jobs) jobs")
        }
        if let perReducer, !perReducer.isEmpty {
            lines.append("per reducer: " + perReducer.map { "\($0.reducer) \($0.jobs) jobs" }.joined(separator: ", "))
        }
        lines.append("faults injected: \(faultsInjected) (armed but not reached: \(faultsNotReached))")
        for row in faults {
            lines.append("  \(row.kind) at \(row.point): \(row.count)")
        }
        lines.append("stops propagated: \(stopsPropagated)")
        lines.append("latency: " + latencyNanoseconds.labelled.map { "\($0.label) \(duration($0.nanoseconds))" }.joined(separator: ", "))
        if let profile {
            lines.append("profile: \(profile)" + (hotPlanDigest.map { " (hot plan digest \($0))" } ?? ""))
            for phase in perPhase ?? [] { lines.append("  " + phase.line) }
        }
        if let coverage {
            lines.append("protocol races (docs/PROTOCOL.md, \"Protocol races\"): \(coverage.headline)")
            lines += coverage.tableLines
        }
        lines.append("violations: \(violations)")
        if let resources { lines.append(resources.line) }
        lines.append(confidence)
        if let exploration { lines += exploration.lines }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The JSON report.
    public var json: String { String(decoding: ReportJSON.encode(self), as: UTF8.self) }

    /// Reads a report written by any `stress` since 1.0.0; the error names the file and
    /// what is wrong with it.
    public static func read(_ path: String) throws(ReportReadError) -> StressSummary {
        try ReportJSON.read(StressSummary.self, from: path)
    }

    /// Writes the JSON report to `--json PATH`, if given; a failure is printed, not fatal:
    /// the text summary and the exit code still tell the verdict.
    public func writeJSONIfRequested(options: StressOptions) {
        guard let path = options.jsonPath else { return }
        do {
            try ReportJSON.write(self, to: path)
        } catch {
            ConsoleOutput.error("stress: cannot write the --json report: \(error)\n")
        }
    }
}
