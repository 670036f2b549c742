#if Exploration
import Canaries
import Glibc
import Pool

/// `stress --explore --self-test`: every canary that is not ThreadSanitizer's, hunted with
/// each strategy (random, pct, dfs) in a child process (this executable, re-executed), each
/// within a bounded number of schedules. Reports, per canary and strategy, whether it was
/// caught, how (the finding's kind), after how many schedules and seconds; then, per canary,
/// the minimal replay command and the shrunk trace of one finding. Exit 3 if one survives.
///
/// A child process per hunt: a finding ends the schedule's threads where they are stuck,
/// which the explorer survives, but a harness bug could still take the process down; the
/// parent kills a child that outlives its budget, so the self-test cannot hang.
///
/// Per canary only the scenario is tuned (`scenarioFlags`): what the bug needs to be
/// reachable at all, never a change to the canary. The canaries hunted are those the registry
/// gives to exploration (`Canary.Detector.exploration`): the ordering canaries included
/// (ThreadSanitizer's, and the seq_cst ones only exploration sees: its memory model reads
/// stale stores and checks plain memory for races), but not the arithmetic ones
/// (`wrapping-sum`, `wrapping-gather`: a sum past 2^64, which no interleaving of the stress
/// work's small contributions reaches; the property tests catch them with contributions
/// near 2^64).
struct ExplorationSelfTest {
    let options: StressOptions
    let arguments: [String]

    /// The canaries exploration must catch.
    static var canaries: [Canary] {
        Canary.allCases.filter { $0.detectors.contains(.exploration) }
    }

    /// Schedules each hunt may run when `--schedules` is not given.
    static let defaultBudget = 20_000

    /// The scenario flags of one hunt. Random draws the usual scenarios (2 to 4 threads, 1 to
    /// 3 jobs). DFS explores small scenarios exhaustively, one after another: two threads and
    /// one job, unless the bug needs more. PCT draws small ones too: its guarantee,
    /// 1/(n·k^(D−1)), falls with the square of the steps k at depth 3.
    static func scenarioFlags(_ canary: Canary, _ strategy: ExplorationOptions.Strategy) -> [String] {
        let small = strategy != .random
        let threads: String
        switch canary {
        case .doubleClaim: threads = small ? "3" : "3,4"   // two workers
        default: threads = small ? "2" : "2,3,4"
        }
        let faults: String
        switch canary {
        case .noStopOnFailure, .unmarkedStop, .blindPublish: faults = strategy == .dfs ? "1" : "0.5"  // a failing worker
        default: faults = strategy == .dfs ? "0" : "0.1"
        }
        var flags = ["--threads", threads, "--faults", faults]
        if small { flags += ["--jobs", "1"] }
        // An ordering canary needs loads that read older stores; any other bug is in the
        // interleaving alone, and every stale read DFS may take doubles a branch of its tree:
        // without them it searches the scenarios the seed draws as fast as before the weak
        // model, so the budget does not depend on which scenarios a seed draws first.
        let orderingCanary = canary.detectors.contains(.threadSanitizer) || canary.missedBy.contains(.threadSanitizer)
        if strategy == .dfs && !orderingCanary { flags += ["--stale-reads", "0"] }
        // A stop that lands between the caller's check and its publish needs a worker that
        // fails while it waits for the job; DFS explores the seed's scenarios one after the
        // other, exhaustively, and under the weak model a scenario whose fault lands elsewhere
        // can take the whole budget. So DFS hunts it in the one scenario that can fail, for
        // every seed alike.
        if canary == .blindPublish && strategy == .dfs { return ["--scenario", "sequence+slot:2:5+throw-at-point@before-park/t1"] }
        return flags
    }

    struct Hunt {
        var canary: Canary
        var strategy: ExplorationOptions.Strategy
        var caught: Bool
        var kind: String
        var schedules: Int?
        var seconds: Double?
        var note: String
        var report: ExplorationReport.Finding?
    }

    func run() -> Int32 {
        var system = SystemRandomNumberGenerator()
        let seed = options.seed ?? system.next()
        let budget = options.exploration.schedules ?? Self.defaultBudget
        let strategies = ExplorationOptions.Strategy.allCases
        ConsoleOutput.out("stress --explore --self-test: \(Self.canaries.count) canaries × \(strategies.count) strategies, "
                          + "up to \(budget) schedules each, seed \(seed); not hunted: "
                          + "\(Canary.allCases.filter { !$0.detectors.contains(.exploration) && $0 != .leakedCell }.map(\.rawValue).joined(separator: ", ")) (arithmetic: a sum past 2^64, which no interleaving of the stress work reaches), "
                          + "\(Canary.leakedCell.rawValue) (a leak: the stress driver's page ledger); "
                          + "memory model \(options.exploration.memoryModel.rawValue)\n")
        var hunts: [Hunt] = []
        for canary in Self.canaries {
            for strategy in strategies {
                let hunt = runChild(canary, strategy, seed: seed, budget: budget)
                let detail = hunt.caught
                    ? "caught (\(hunt.kind)) after \(hunt.schedules.map(String.init) ?? "?") schedules, \(hunt.seconds.map(format3) ?? "?") s"
                    : "SURVIVED: \(hunt.note)"
                ConsoleOutput.out("  \(canary.rawValue) / \(strategy.rawValue): \(detail)\n")
                hunts.append(hunt)
            }
            if let shown = hunts.filter({ $0.canary == canary && $0.report != nil })
                .min(by: { ($0.report?.trace.count ?? .max) < ($1.report?.trace.count ?? .max) }), let report = shown.report {
                ConsoleOutput.out(minimalText(report, strategy: shown.strategy))
            }
        }
        ConsoleOutput.out(table(hunts))
        let survivors = hunts.filter { !$0.caught }
        if survivors.isEmpty {
            ConsoleOutput.out("self-test: every canary caught by every strategy\n")
            return StressExitCode.passed
        }
        ConsoleOutput.out("self-test: \(survivors.count) hunt(s) SURVIVED: "
                          + survivors.map { "\($0.canary.rawValue)/\($0.strategy.rawValue)" }.joined(separator: ", ") + "\n")
        return StressExitCode.canarySurvived
    }

    func minimalText(_ report: ExplorationReport.Finding, strategy: ExplorationOptions.Strategy) -> String {
        var text = "    minimal (\(strategy.rawValue)): \(report.kind): \(report.message)\n"
        text += "    \(report.minimalDecisions ?? report.decisions) decisions, \(report.minimalDeviations ?? report.deviations) deviations "
            + "(as found: \(report.decisions) decisions, \(report.deviations) deviations)\n"
        for state in report.minimalThreadStates ?? report.threadStates { text += "    \(state)\n" }
        text += "    replay: \(report.minimalReplay ?? report.replay)\n"
        text += "    shrunk trace:\n"
        for line in report.trace { text += "      \(line)\n" }
        return text
    }

    func table(_ hunts: [Hunt]) -> String {
        func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
        var text = "\n" + pad("canary", 30) + pad("strategy", 10) + pad("caught as", 14) + pad("schedules", 11) + "seconds\n"
        for hunt in hunts {
            text += pad(hunt.canary.rawValue, 30) + pad(hunt.strategy.rawValue, 10) + pad(hunt.caught ? hunt.kind : "SURVIVED", 14)
                + pad(hunt.schedules.map(String.init) ?? "-", 11) + (hunt.seconds.map(format3) ?? "-") + "\n"
        }
        return text
    }

    func runChild(_ canary: Canary, _ strategy: ExplorationOptions.Strategy, seed: UInt64, budget: Int) -> Hunt {
        let base = "/tmp/stress-explore-self-test-\(getpid())-\(canary.rawValue)-\(strategy.rawValue)"
        let jsonPath = base + ".json"
        let logPath = base + ".log"
        unlink(jsonPath)
        var childArguments = ["stress", "--explore", "--variant", canary.rawValue, "--strategy", strategy.rawValue,
                              "--seed", "\(seed)", "--schedules", "\(budget)", "--seconds", "\(options.seconds)",
                              "--quiet", "--json", jsonPath] + Self.scenarioFlags(canary, strategy)
        if !options.exploration.pin { childArguments.append("--no-pin") }
        childArguments += ["--memory-model", options.exploration.memoryModel.rawValue]
        let helper = SelfTest(options: options)
        let started = MonotonicClock.nanoseconds()
        var hunt = Hunt(canary: canary, strategy: strategy, caught: false, kind: "-", note: "")
        guard let child = helper.spawn(childArguments, log: logPath) else {
            hunt.note = "could not start a child process (errno \(errno))"
            return hunt
        }
        // The budget's schedules, the shrink, and process start-up: generous, since a
        // child that hangs is a bug the self-test must report, not wait for.
        let (status, killed) = helper.wait(for: child, startedAt: started, budgetNanoseconds: UInt64((options.seconds + 60) * 1e9))
        let report = try? StressSummary.read(jsonPath)
        let tail = helper.logTail(logPath)
        unlink(jsonPath)
        unlink(FileAccess.temporaryPath(for: jsonPath, pid: child))
        unlink(logPath)
        if killed {
            hunt.note = "killed after \(Int(options.seconds + 60)) s. Log: \(tail)"
            return hunt
        }
        if status & 0x7F != 0 {
            hunt.note = "the child died of signal \(status & 0x7F): \(tail)"
            return hunt
        }
        let code = (status >> 8) & 0xFF
        guard code == StressExitCode.violation || code == StressExitCode.stall, let finding = report?.exploration?.finding else {
            hunt.note = code == StressExitCode.passed
                ? "\(report?.exploration?.schedules ?? 0) schedules without a finding"
                : "the child exited \(code): \(tail)"
            return hunt
        }
        hunt.caught = true
        hunt.kind = finding.kind
        hunt.schedules = finding.foundAfterSchedules
        hunt.seconds = finding.foundAfterSeconds
        hunt.report = finding
        return hunt
    }
}
#endif
