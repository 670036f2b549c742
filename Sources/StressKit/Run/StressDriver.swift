import Canaries
import Glibc
import Pool
import PoolSupport
import Synchronization

/// The `stress` command: parses the command line, then runs the plan on several caller
/// threads at once (each driving its own pools) under the watchdog, or runs the self-test.
///
/// The `stress` executable runs as two processes (`StressSupervisor`): this function, given
/// the executable, starts the driver as a child and reports on it if it dies; in the child
/// (`SharedRunState.environmentKey` set), it runs the plan. Called without an executable
/// (tests, a library user), it runs the plan in this process, unsupervised.
public enum StressDriver {
    /// Caller threads, each with its own pool at any time: oversubscription is where spin
    /// protocols break.
    public static let callerThreads = 2

    /// Runs `stress` with `arguments` (without the program name); returns the exit code.
    /// `executable`: this program's path, to re-execute as the supervised driver (nil: run
    /// in this process).
    public static func main(arguments: [String], executable: String? = nil) -> Int32 {
        if let name = arguments.first, let subcommand = StressSubcommand(rawValue: name) {
            return subcommand.run(Array(arguments.dropFirst()))
        }
        let options: StressOptions
        do {
            options = try StressOptions.parse(arguments)
        } catch {
            ConsoleOutput.error("stress: \(error.message)\n\(StressOptions.usage)\n")
            return StressExitCode.usage
        }
        if options.checkArguments { return StressExitCode.passed }
        if options.help {
            ConsoleOutput.out(StressOptions.usage + "\n\n" + StressSubcommand.overview + "\n")
            return StressExitCode.passed
        }
        if options.listCanaries {
            ConsoleOutput.out(Canary.table)
            return StressExitCode.passed
        }
        if let path = options.jsonPath {
            // Fail now, not after a long run whose report would be lost. Nothing is written
            // to `path` itself before the report is complete (FileAccess.writeAtomically).
            do {
                try FileAccess.prepareForWriting(path)
            } catch {
                ConsoleOutput.error("stress: --json: \(error)\n\(StressOptions.usage)\n")
                return StressExitCode.usage
            }
        }
        if options.exploration.enabled { return ExploreCommand.run(options: options, arguments: arguments) }
        if options.selfTest { return SelfTest(options: options).run() }
        if options.profile == .hot && options.hotThreadCounts.isEmpty {
            ConsoleOutput.error("stress: --profile hot runs pools of 2 ... \(max(2, CPUAffinity.availableCPUCount)) threads (no more than this "
                                + "machine's CPUs); --threads \(options.effectiveThreadCounts.map(String.init).joined(separator: ",")) has none\n"
                                + StressOptions.usage + "\n")
            return StressExitCode.usage
        }
        var system = SystemRandomNumberGenerator()
        let seed = options.seed ?? system.next()
        if let path = getenv(SharedRunState.environmentKey).map({ String(cString: $0) }) {
            do {
                return run(options: options, seed: seed, shared: try SharedRunState.attach(path: path, callerThreads: callerThreads))
            } catch {
                ConsoleOutput.error("stress: cannot use the supervisor's state (\(SharedRunState.environmentKey)=\(path)): \(error)\n")
                return StressExitCode.usage
            }
        }
        if let executable {
            return StressSupervisor(options: options, arguments: arguments, seed: seed, executable: executable).run()
        }
        return run(options: options, seed: seed)
    }

    /// Runs the plan in this process and reports; returns the exit code (a finding ends the
    /// process from `RunContext.terminate` instead). SIGINT and SIGTERM stay blocked in the
    /// calling thread afterwards: the watchdog took them while it ran (`InterruptSignals`).
    static func run(options: StressOptions, seed: UInt64, shared: SharedRunState? = nil) -> Int32 {
        // Before any thread exists, so that every thread of the run inherits the mask.
        InterruptSignals.block()
        let context = RunContext(options: options, seed: seed, callerThreads: callerThreads, shared: shared)
        context.shared.driverStarted(at: context.startedAt)
        FatalSignalRecorder.install(context.shared)
        ConsoleOutput.out("stress \(RunContext.version): seed \(seed), plan digest \(hex(context.digest)), "
                          + "\(options.seconds) s, threads \(context.plan.threadCounts.map(String.init).joined(separator: ",")), "
                          + "schedulers \(context.plan.schedulers.map(\.rawValue).joined(separator: ",")), reducers \(context.plan.reducers.map(\.rawValue).joined(separator: ",")), faults \(options.faultRate), "
                          + "noise \(options.noiseLevel), watchdog \(options.watchdogSeconds) s, \(callerThreads) caller threads"
                          + (options.variant.map { ", VARIANT \($0.rawValue)" } ?? "")
                          + (options.fromEpisode > 0 ? ", from episode \(options.fromEpisode)" : "") + "\n"
                          + "profile \(options.profile.rawValue): \(context.schedule.description)"
                          + (context.schedule.phases.contains(.hot)
                             ? "; hot phases: 1 caller thread, threads \(context.plan.hotThreadCounts.map(String.init).joined(separator: ",")), "
                                + "no noise, no faults" + (context.hotDigest.map { ", hot plan digest \(hex($0))" } ?? "")
                             : "") + "\n")
        let largestPool = max(context.plan.threadCounts.max() ?? 1, context.plan.hotThreadCounts.max() ?? 1)
        context.resourceBudget = ResourceBudget(baseline: ProcessFootprint.sample(), callers: callerThreads,
                                                maximumPoolThreads: largestPool, helperThreads: 1)
        let watchdog = Watchdog(context: context)
        watchdog.start()
        // After the watchdog started: ThreadSanitizer starts its own thread at the first
        // pthread_create, and that one must count as "before".
        let threadsBefore = ThreadCensus.count()
        let firstEpisodes = Self.firstEpisodes(options: options)
        let nextNoisyEpisode = Atomic<Int>(firstEpisodes.noisy)
        let nextHotEpisode = Atomic<Int>(firstEpisodes.hot)
        let callers = context.slots.map { slot in
            NamedThread.startOrDie(name: "stress-caller-\(slot.index)") {
                slot.registerCallerThread()
                let runner = EpisodeRunner(context: context, slot: slot)
                while !context.timeIsUp {
                    let phase = context.currentPhase
                    guard phase.runsEpisodes(onCaller: slot.index) else {
                        // A hot phase belongs to caller 0 alone: wait for it to end (a phase
                        // lasts seconds; the run's deadline bounds the wait too).
                        while !context.timeIsUp && context.currentPhase == phase { usleep(1000) }
                        continue
                    }
                    // relaxed: ticket counters; the episode itself is a pure function.
                    let index = phase == .hot ? nextHotEpisode.wrappingAdd(1, ordering: .relaxed).oldValue
                        : nextNoisyEpisode.wrappingAdd(1, ordering: .relaxed).oldValue
                    context.statistics.episodes.wrappingAdd(1, ordering: .relaxed)
                    context.coverage.episodeBegan(phase)
                    runner.run(context.plan.episode(index))
                }
            }
        }
        for caller in callers { caller.join() }
        let elapsed = context.elapsedSeconds
        // Every pool was shut down: no worker may be left behind.
        // Fewer threads than before is no leak: a thread the process had before the run (a test
        // harness's, say) ended meanwhile.
        var threadsAfter = ThreadCensus.count()
        for _ in 0..<100 where threadsAfter > threadsBefore {
            usleep(1000)
            threadsAfter = ThreadCensus.count()
        }
        if threadsAfter > threadsBefore {
            context.terminate(.invariant, "\(threadsAfter - threadsBefore) thread(s) still alive after every pool was shut down (/proc/self/task: \(threadsBefore) before, \(threadsAfter) after)", episode: -1, jobIndex: -1)
        }
        if let crossed = context.resourceBudget?.check(ProcessFootprint.sample()) {
            context.terminate(.resourceLeak, "after every pool was shut down, the process holds \(crossed)", episode: -1, jobIndex: -1)
        }
        watchdog.stop()
        context.awaitDeathIfCrashing()
        var report: StressSummary
        if let signal = context.interruptSignal {
            // An interrupted run reports what ran; it cannot be held to --require-coverage.
            report = interruptedReport(context, signal: signal, elapsed: elapsed)
        } else {
            report = StressSummary(context: context, verdict: .passed, message: "no violation", episode: -1,
                                   jobIndex: -1, elapsedSeconds: elapsed)
        }
        if context.interruptSignal == nil, options.requireCoverage, let missing = report.coverage?.neverSeen, !missing.isEmpty {
            report = StressSummary(context: context, verdict: .coverageIncomplete,
                                   message: "no violation, but --require-coverage and never saw: \(missing.joined(separator: ", "))",
                                   episode: -1, jobIndex: -1, elapsedSeconds: elapsed)
            ConsoleOutput.error("COVERAGE INCOMPLETE: no violation, but this run never saw \(missing.joined(separator: ", ")) "
                                + "(docs/PROTOCOL.md, \"Protocol races\"); run longer, or with other options\n")
        }
        ConsoleOutput.out(report.text)
        report.writeJSONIfRequested(options: options)
        return report.exitCode
    }

    /// The report of a run that SIGINT or SIGTERM stopped early: every caller finished its
    /// job in progress and shut its pool down. It names where the plan stopped (the earliest
    /// episode a caller was in) with the command that continues it from there.
    static func interruptedReport(_ context: RunContext, signal: Int32, elapsed: Double) -> StressSummary {
        let stopped = context.slots.filter { $0.episode >= 0 }.min { ($0.episode, $0.jobIndex) < ($1.episode, $1.jobIndex) }
        let jobs = context.statistics.jobs.load(ordering: .relaxed)
        let message = "stopped by \(SignalNames.name(signal)), \(format3(elapsed)) s into a \(context.options.seconds) s run: "
            + "the jobs in progress finished and every pool was shut down; the summary covers the \(jobs) jobs that ran"
        ConsoleOutput.error(context.findingText(.interrupted, message, episode: stopped?.episode ?? -1,
                                                jobIndex: stopped?.jobIndex ?? -1, elapsedSeconds: elapsed, replayLabel: "continue"))
        return StressSummary(context: context, verdict: .interrupted, message: message, episode: stopped?.episode ?? -1,
                             jobIndex: stopped?.jobIndex ?? -1, elapsedSeconds: elapsed,
                             exitCode: StressExitCode.interrupted(by: signal))
    }

    /// The first noisy and the first hot episode of the run: `--from-episode K` starts the
    /// stream K belongs to at K (hot episodes are numbered from `StressPlan.hotEpisodeBase`;
    /// with `--profile hot`, a K below it counts from there), the other at its beginning.
    package static func firstEpisodes(options: StressOptions) -> (noisy: Int, hot: Int) {
        let base = StressPlan.hotEpisodeBase
        let first = options.fromEpisode
        if first >= base { return (0, first) }
        return options.profile == .hot ? (0, base + first) : (first, base)
    }
}
