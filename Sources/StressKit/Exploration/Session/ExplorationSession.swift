#if Exploration
import Canaries
import Glibc
import Pool

/// One `stress --explore` run: replays one schedule, or explores schedule after schedule
/// with the chosen strategy until a finding, the schedule budget or the time limit; then
/// shrinks a finding, prints its replay command and minimal trace, and writes the report.
struct ExplorationSession {
    let options: StressOptions
    var exploration: ExplorationOptions { options.exploration }

    init(options: StressOptions) { self.options = options }

    func run(arguments: Set<String>) -> Int32 {
        let setup: ExplorationSetup
        do {
            setup = try ExplorationSetup(options: options, arguments: arguments)
        } catch {
            ConsoleOutput.error("stress: \(error.message)\n\(StressOptions.usage)\n")
            return StressExitCode.usage
        }
        var search = ExplorationSearch(setup: setup)
        return search.run()
    }
}

/// The search loop and its report (see `ExplorationSession`).
struct ExplorationSearch {
    let setup: ExplorationSetup
    let context: RunContext
    let explorer: Explorer
    private(set) var digest = ScheduleDigest()
    private let started: UInt64
    private var nextProgress: UInt64
    private var pct: PCTStrategy?
    private var dfsExhausted: Bool?

    init(setup: ExplorationSetup) {
        self.setup = setup
        // The checks never end a schedule for time: only the explorer watches the clock.
        context = RunContext.exploring(options: setup.options, seed: setup.seed, findingInterceptor: Explorer.interceptor)
        let backstop = setup.options.watchdogSeconds
        explorer = Explorer(context: context, settings: setup.settings, backstopSeconds: backstop,
                            onBackstop: { [setup] run, label in Self.backstop(run, label, setup: setup, seconds: backstop) })
        started = MonotonicClock.nanoseconds()
        nextProgress = started &+ 1_000_000_000
    }

    var elapsedSeconds: Double { Double(MonotonicClock.nanoseconds() &- started) / 1e9 }

    mutating func run() -> Int32 {
        setup.pinCallingThread()
        TrapCatcher.install()
        ConsoleOutput.out(header + "\n")
        if let schedule = setup.replaySchedule, let episode = setup.fixedEpisode {
            return replay(episode, schedule)
        }
        let strategy = setup.exploration.strategy.rawValue
        switch search() {
        case .finding(let result, let number, let seconds):
            return report(result, strategy: strategy, scheduleNumber: number, foundAfterSeconds: seconds)
        case .clean:
            return finish(strategy: strategy)
        case .nondeterminism(let problem):
            ConsoleOutput.out("NONDETERMINISM: \(problem)\nverdict: a harness bug (exit 1): the same decisions must lead to the same run\n")
            return StressExitCode.violation
        }
    }

    /// How a search ended.
    enum SearchOutcome {
        /// Schedule `number` failed, `seconds` into the search.
        case finding(ScheduleResult, number: Int, seconds: Double)
        /// The budget or the bound ran out without a finding.
        case clean
        /// A replayed prefix offered different options: the run is not deterministic.
        case nondeterminism(String)
    }

    /// Explores with the command line's strategy until a finding or the end of the budget.
    mutating func search() -> SearchOutcome {
        switch setup.exploration.strategy {
        case .random:
            return explore(RandomStrategy(seed: setup.seed))
        case .pct:
            let strategy = PCTStrategy(seed: setup.seed, depth: setup.exploration.depth)
            pct = strategy
            return explore(strategy)
        case .dfs:
            return exploreExhaustively()
        }
    }

    var header: String {
        let exploration = setup.exploration
        var strategy = exploration.strategy.rawValue
        switch exploration.strategy {
        case .pct: strategy += " --depth \(exploration.depth)"
        case .dfs: strategy += " --preemptions \(exploration.preemptions) --stale-reads \(exploration.staleReads)"
        case .random: break
        }
        if setup.replaySchedule != nil { strategy = "replay" }
        let scenario = setup.fixedEpisode.map { "scenario \($0.scenarioText)" }
            ?? "threads \(setup.threadCounts.map(String.init).joined(separator: ",")), jobs \(setup.scenarios.jobCounts.lowerBound)-\(setup.scenarios.jobCounts.upperBound), faults \(setup.scenarios.faultRate), schedulers \(setup.scenarios.schedulers.map(\.rawValue).joined(separator: ","))"
        return "stress --explore \(RunContext.version): seed \(setup.seed), strategy \(strategy), \(scenario), "
            + "memory model \(exploration.memoryModel.rawValue), "
            + "spurious wake-ups \(exploration.effectiveSpuriousWakes)/schedule"
            + (setup.variant.map { ", VARIANT \($0.rawValue)" } ?? "")
            + (setup.pinnedCPU.map { ", threads pinned to CPU \($0)" } ?? ", unpinned")
    }

    private var budgetLeft: Bool {
        if let limit = setup.schedulesLimit, explorer.schedulesRun >= limit { return false }
        return elapsedSeconds < setup.seconds
    }

    // MARK: strategies

    private mutating func explore(_ strategy: any ScheduleStrategy) -> SearchOutcome {
        var index = 0
        while budgetLeft {
            let episode = setup.fixedEpisode ?? setup.scenarios.episode(index)
            _ = strategy.beginSchedule(threads: episode.threadCount)
            let result = explorer.run(episode, strategy: strategy)
            digest.mix(result)
            index += 1
            progress()
            if result.finding != nil { return .finding(result, number: index, seconds: elapsedSeconds) }
        }
        return .clean
    }

    /// DFS over drawn scenarios (no `--scenario`) moves on after this many schedules of one,
    /// so that one large scenario cannot take the whole budget.
    static let schedulesPerDrawnScenario = 10_000

    private mutating func exploreExhaustively() -> SearchOutcome {
        let bound = setup.exploration.preemptions
        let staleReadBound = setup.exploration.memoryModel == .sc ? "" : " and ≤ \(setup.exploration.staleReads) stale reads"
        var scenarioIndex = 0
        while budgetLeft {
            let episode = setup.fixedEpisode ?? setup.scenarios.episode(scenarioIndex)
            let strategy = DFSStrategy(preemptionBound: bound, staleReadBound: setup.exploration.staleReads)
            var count = 0
            let cap = setup.fixedEpisode == nil ? Self.schedulesPerDrawnScenario : Int.max
            while budgetLeft && count < cap && strategy.beginSchedule(threads: episode.threadCount) {
                let result = explorer.run(episode, strategy: strategy)
                digest.mix(result)
                count += 1
                progress()
                if result.finding != nil { return .finding(result, number: explorer.schedulesRun, seconds: elapsedSeconds) }
            }
            if let problem = strategy.nondeterminism {
                return .nondeterminism("scenario \(episode.scenarioText): \(problem)")
            }
            dfsExhausted = strategy.exhausted
            if strategy.exhausted {
                ConsoleOutput.out("scenario \(episode.scenarioText): every schedule with ≤ \(bound) preemptions\(staleReadBound) explored: \(count) schedules, no violation\n")
            } else {
                ConsoleOutput.out("scenario \(episode.scenarioText): \(count) schedules with ≤ \(bound) preemptions, no violation (not exhaustive: the budget or the per-scenario cap of \(Self.schedulesPerDrawnScenario) ended it)\n")
            }
            if setup.fixedEpisode != nil { break }
            scenarioIndex += 1
        }
        return .clean
    }

    private mutating func replay(_ episode: Episode, _ schedule: Schedule) -> Int32 {
        let result = explorer.replay(episode, schedule, tracing: true)
        digest.mix(result)
        if result.finding == nil || setup.exploration.trace {
            ConsoleOutput.out(traceText(result, title: "trace of schedule \(schedule.text) on \(episode.scenarioText)"))
        }
        guard let finding = result.finding else {
            ConsoleOutput.out("replay: no violation (\(result.decisions) decisions)\n")
            return finish(strategy: "replay")
        }
        ConsoleOutput.out(findingText(finding, result, scheduleNumber: nil))
        ConsoleOutput.out(traceText(result, title: "trace (one line per step; * marks a decision that is not the default)"))
        var report = explorationReport(strategy: "replay")
        report.finding = findingReport(finding, found: result, minimal: nil, shrinkSchedules: nil)
        writeSummary(report, finding: finding)
        return finding.kind.exitCode
    }

    // MARK: reporting

    private mutating func progress() {
        let now = MonotonicClock.nanoseconds()
        guard now >= nextProgress else { return }
        nextProgress = now &+ 1_000_000_000
        if setup.options.quiet { return }
        let seconds = max(elapsedSeconds, 1e-9)
        ConsoleOutput.error("explore: \(explorer.schedulesRun) schedules (\(Int(Double(explorer.schedulesRun) / seconds))/s), "
                            + "\(explorer.decisionsRun) steps (\(Int(Double(explorer.decisionsRun) / seconds))/s), \(format3(seconds)) s\n")
    }

    private func explorationReport(strategy: String) -> ExplorationReport {
        var report = ExplorationReport(strategy: strategy, schedules: explorer.schedulesRun, steps: explorer.decisionsRun,
                                       seconds: (elapsedSeconds * 1000).rounded() / 1000, scheduleDigest: hex(digest.value))
        report.switchesPerSecond = report.seconds > 0 ? (Double(explorer.switchesRun) / report.seconds).rounded() : 0
        report.memoryModel = setup.exploration.memoryModel.rawValue
        switch strategy {
        case "pct":
            report.depth = setup.exploration.depth
            report.pctGuarantee = pct?.guarantee
        case "dfs":
            report.preemptionBound = setup.exploration.preemptions
            report.staleReadBound = setup.exploration.staleReads
            report.exhausted = dfsExhausted
        default: break
        }
        return report
    }

    private func rateLine(_ report: ExplorationReport) -> String {
        "schedules: \(report.schedules) in \(format3(report.seconds)) s = \(Int(report.schedulesPerSecond)) schedules/s; "
            + "steps: \(report.steps) = \(Int(report.stepsPerSecond)) steps/s; "
            + "thread switches: \(Int(report.switchesPerSecond ?? 0))/s; schedule digest \(report.scheduleDigest)\n"
    }

    private var pctLine: String {
        guard let pct else { return "" }
        let steps = max(pct.measuredSteps, 1)
        return "pct depth \(pct.depth): one schedule finds a given bug of depth ≤ \(pct.depth) with probability ≥ "
            + "1/(n·k^(D−1)) = 1/(\(pct.measuredThreads)·\(steps)^\(pct.depth - 1)) = \(scientific(pct.guarantee)) "
            + "(n = \(pct.measuredThreads) threads, k = \(steps) steps: the largest measured)\n"
    }

    private func finish(strategy: String) -> Int32 {
        let report = explorationReport(strategy: strategy)
        ConsoleOutput.out(rateLine(report) + pctLine + "verdict: passed (exit 0), no violation in \(report.schedules) schedules\n")
        var summary = StressSummary(context: context, verdict: .passed, message: "no violation in \(report.schedules) schedules",
                                    episode: -1, jobIndex: -1, elapsedSeconds: elapsedSeconds)
        summary.exploration = report
        summary.writeJSONIfRequested(options: setup.options)
        return StressExitCode.passed
    }

    private mutating func report(_ found: ScheduleResult, strategy: String, scheduleNumber: Int, foundAfterSeconds: Double) -> Int32 {
        let finding = found.finding!
        ConsoleOutput.out(findingText(finding, found, scheduleNumber: scheduleNumber))
        var minimal = found
        var shrinkSchedules: Int?
        if setup.exploration.shrink {
            let shrinkStarted = MonotonicClock.nanoseconds()
            var shrinker = Shrinker(explorer: explorer, kind: finding.kind, seed: setup.seed)
            minimal = shrinker.shrink(found)
            shrinkSchedules = shrinker.schedulesRun
            ConsoleOutput.out("shrinking: \(shrinker.schedulesRun) schedules in \(format3(Double(MonotonicClock.nanoseconds() &- shrinkStarted) / 1e9)) s\n")
        }
        // The trace comes from one more replay: it is also the proof that the printed
        // schedule reproduces the finding.
        let traced = explorer.replay(minimal.scenario, minimal.schedule, tracing: true)
        let reproduced = traced.finding?.kind == finding.kind
        let minimalFinding = traced.finding ?? minimal.finding!
        ConsoleOutput.out("minimal: scenario \(minimal.scenario.scenarioText), schedule \(minimal.schedule.text) "
                          + "(\(traced.decisions) decisions, \(minimal.schedule.count) deviations; as found: "
                          + "\(found.decisions) decisions, \(found.schedule.count) deviations)\n"
                          + "  \(minimalFinding.kind.rawValue): \(minimalFinding.message)\n"
                          + minimalFinding.threadStates.map { "  \($0)\n" }.joined()
                          + "  replay: \(setup.replayCommand(minimal.scenario.scenarioText, minimal.schedule))\n")
        if !reproduced {
            ConsoleOutput.out("  WARNING: replaying the minimal schedule gave \(traced.finding.map { $0.kind.rawValue } ?? "no finding"): the run is not deterministic (a harness bug)\n")
        }
        ConsoleOutput.out(traceText(traced, title: "trace of the minimal schedule (one line per step; * marks a decision that is not the default)"))
        var report = explorationReport(strategy: strategy)
        report.finding = findingReport(finding, found: found, minimal: traced, shrinkSchedules: shrinkSchedules)
        report.finding?.minimalSchedule = minimal.schedule.text
        report.finding?.foundAfterSchedules = scheduleNumber
        report.finding?.foundAfterSeconds = (foundAfterSeconds * 1000).rounded() / 1000
        ConsoleOutput.out(rateLine(report) + pctLine)
        writeSummary(report, finding: finding)
        ConsoleOutput.out("verdict: \(finding.kind.rawValue) (exit \(finding.kind.exitCode))\n")
        return finding.kind.exitCode
    }

    private func findingText(_ finding: ExplorationFinding, _ result: ScheduleResult, scheduleNumber: Int?) -> String {
        var text = "\nFINDING: \(finding.kind.rawValue)" + (scheduleNumber.map { " in schedule \($0)" } ?? "")
            + " at decision \(finding.decision): \(finding.message)\n"
            + "  scenario \(result.scenario.scenarioText)" + (finding.jobIndex.map { ", job index \($0)" } ?? "") + "\n"
        for state in finding.threadStates { text += "  \(state)\n" }
        text += "  schedule: \(result.schedule.text) (\(result.decisions) decisions, \(result.schedule.count) deviations, \(result.preemptions) preemptions)\n"
        text += "  replay: \(setup.replayCommand(result.scenario.scenarioText, result.schedule))\n"
        return text
    }

    private func traceText(_ result: ScheduleResult, title: String) -> String {
        "\(title):\n" + result.events.map { $0.line + "\n" }.joined()
    }

    private func findingReport(_ finding: ExplorationFinding, found: ScheduleResult, minimal: ScheduleResult?,
                               shrinkSchedules: Int?) -> ExplorationReport.Finding {
        var report = ExplorationReport.Finding(
            kind: finding.kind.rawValue, message: finding.message, threadStates: finding.threadStates,
            scenario: found.scenario.scenarioText, schedule: found.schedule.text, decisions: found.decisions,
            deviations: found.schedule.count, replay: setup.replayCommand(found.scenario.scenarioText, found.schedule),
            trace: (minimal ?? found).events.map(\.line))
        if let minimal {
            report.minimalScenario = minimal.scenario.scenarioText
            report.minimalSchedule = minimal.schedule.text
            report.minimalDecisions = minimal.decisions
            report.minimalDeviations = minimal.schedule.count
            report.minimalReplay = setup.replayCommand(minimal.scenario.scenarioText, minimal.schedule)
            report.minimalThreadStates = minimal.finding?.threadStates
            report.shrinkSchedules = shrinkSchedules
        }
        return report
    }

    private func writeSummary(_ report: ExplorationReport, finding: ExplorationFinding) {
        let verdict: Verdict = finding.kind == .wrongResult ? .wrongResult : finding.kind.exitCode == StressExitCode.stall ? .stall : .invariant
        var summary = StressSummary(context: context, verdict: verdict, message: finding.message, episode: -1,
                                    jobIndex: -1, elapsedSeconds: elapsedSeconds)
        summary.verdict = finding.kind.rawValue
        summary.exitCode = finding.kind.exitCode
        summary.replay = report.finding?.minimalReplay ?? report.finding?.replay
        summary.exploration = report
        summary.writeJSONIfRequested(options: setup.options)
    }

    /// The wall-clock backstop fired: a controlled thread is blocked outside the controller.
    static func backstop(_ run: ScheduleRun, _ scenario: String, setup: ExplorationSetup, seconds: Double) -> Never {
        var text = "\nSTALL (exploration backstop): a schedule of scenario \(scenario) did not end within \(seconds) s of wall-clock time: a controlled thread is blocked outside the controller (a harness bug, or code that hides a wait from it)\n"
        for state in run.describeAll() { text += "  \(state)\n" }
        let schedule = Schedule(run.deviations)
        text += "  schedule so far: \(schedule.text) (\(run.decisions) decisions)\n"
        text += "  replay: \(setup.replayCommand(scenario, schedule))\n"
        ConsoleOutput.error(text)
        _exit(StressExitCode.stall)
    }
}
#endif
