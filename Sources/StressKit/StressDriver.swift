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
        if options.selfTest { return SelfTest(options: options).run() }
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
                          + (options.fromEpisode > 0 ? ", from episode \(options.fromEpisode)" : "") + "\n")
        let watchdog = Watchdog(context: context)
        watchdog.start()
        // After the watchdog started: ThreadSanitizer starts its own thread at the first
        // pthread_create, and that one must count as "before".
        let threadsBefore = ThreadCensus.count()
        let nextEpisode = Atomic<Int>(options.fromEpisode)
        let callers = context.slots.map { slot in
            NamedThread.startOrDie(name: "stress-caller-\(slot.index)") {
                let runner = EpisodeRunner(context: context, slot: slot)
                while !context.timeIsUp {
                    // relaxed: a ticket counter; the episode itself is a pure function.
                    let index = nextEpisode.wrappingAdd(1, ordering: .relaxed).oldValue
                    context.statistics.episodes.wrappingAdd(1, ordering: .relaxed)
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
        let report = StressSummary(context: context, verdict: .passed, message: "no violation", episode: -1,
                                   jobIndex: -1, elapsedSeconds: elapsed)
        ConsoleOutput.out(report.text)
        report.writeJSONIfRequested(options: options)
        return StressExitCode.passed
    }
}
