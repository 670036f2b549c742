import Canaries
import Glibc
import Pool
import PoolSupport
import Synchronization

/// The `stress` command: parses the command line, then runs the plan on several caller
/// threads at once (each driving its own pools) under the watchdog, or runs the self-test.
public enum StressDriver {
    /// Caller threads, each with its own pool at any time: oversubscription is where spin
    /// protocols break.
    public static let callerThreads = 2

    /// Runs `stress` with `arguments` (without the program name); returns the exit code.
    public static func main(arguments: [String]) -> Int32 {
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
        return run(options: options, seed: seed)
    }

    static func run(options: StressOptions, seed: UInt64) -> Int32 {
        let context = RunContext(options: options, seed: seed, callerThreads: callerThreads)
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
        var threadsAfter = ThreadCensus.count()
        for _ in 0..<100 where threadsAfter != threadsBefore {
            usleep(1000)
            threadsAfter = ThreadCensus.count()
        }
        if threadsAfter != threadsBefore {
            context.terminate(.invariant, "\(threadsAfter - threadsBefore) thread(s) still alive after every pool was shut down (/proc/self/task: \(threadsBefore) before, \(threadsAfter) after)", episode: -1, jobIndex: -1)
        }
        watchdog.stop()
        var report = StressSummary(context: context, verdict: .passed, message: "no violation", episode: -1,
                                   jobIndex: -1, elapsedSeconds: elapsed)
        if options.requireCoverage, let missing = report.coverage?.neverSeen, !missing.isEmpty {
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
