import Glibc
import Pool
import PoolSupport

/// One stress run: its options, seed and plan, the shared counters, the caller threads'
/// slots, and the single exit door for violations and stalls.
///
/// `terminate` may be called from any thread (a pool worker that saw a broken invariant,
/// the watchdog); the first call wins, prints the verdict, the replay command and the
/// summary, writes the JSON report and ends the process with `_exit`. Later callers block
/// until then: the process is about to end, and nothing they could add is trustworthy.
public final class RunContext: @unchecked Sendable {
    public static let version = "1.0.0"

    public let options: StressOptions
    public let seed: UInt64
    public let plan: StressPlan
    public let digest: UInt64
    public let statistics = StressStatistics()
    public let slots: [RunnerSlot]
    public let startedAt: UInt64
    public let deadline: UInt64
    private let terminateMutex = CheckedMutex()

    public init(options: StressOptions, seed: UInt64, callerThreads: Int) {
        self.options = options
        self.seed = seed
        plan = StressPlan(seed: seed, options: options)
        digest = plan.digest()
        slots = (0..<callerThreads).map(RunnerSlot.init(index:))
        startedAt = MonotonicClock.nanoseconds()
        deadline = startedAt &+ UInt64(options.seconds * 1e9)
    }

    public var timeIsUp: Bool { MonotonicClock.nanoseconds() >= deadline }
    public var elapsedSeconds: Double { Double(MonotonicClock.nanoseconds() &- startedAt) / 1e9 }
    public var watchdogNanoseconds: UInt64 { UInt64(options.watchdogSeconds * 1e9) }

    /// The command that replays this plan from `episode`.
    public func replayCommand(episode: Int) -> String {
        var flags = ["stress", "--seed", "\(seed)", "--threads", plan.threadCounts.map(String.init).joined(separator: ",")]
        if plan.schedulers != SchedulerKind.allCases { flags += ["--scheduler", plan.schedulers[0].rawValue] }
        if plan.reducers != ReducerKind.allCases { flags += ["--reducer", plan.reducers[0].rawValue] }
        flags += ["--faults", "\(options.faultRate)", "--noise", "\(options.noiseLevel)",
                  "--watchdog", "\(options.watchdogSeconds)"]
        if let variant = options.variant { flags += ["--variant", variant.rawValue] }
        flags += ["--from-episode", "\(episode)"]
        return flags.joined(separator: " ")
    }

    /// Reports a violation or a stall and ends the process. Never returns.
    public func terminate(_ verdict: Verdict, _ message: String, episode: Int, jobIndex: Int) -> Never {
        // Held until the process ends: later callers block in `withLock`.
        terminateMutex.withLock { reportAndExit(verdict, message, episode: episode, jobIndex: jobIndex) }
    }

    private func reportAndExit(_ verdict: Verdict, _ message: String, episode: Int, jobIndex: Int) -> Never {
        let elapsed = elapsedSeconds
        let title = verdict.exitCode == StressExitCode.stall ? "STALL" : "VIOLATION"
        var text = "\n\(title) (\(verdict.rawValue)) after \(String(format3(elapsed))) s: \(message)\n"
        if episode >= 0 {
            let episodePlan = plan.episode(episode)
            text += "  episode \(episode) (\(episodePlan.configurationLabel)), job index \(jobIndex)"
            if jobIndex >= 0 && jobIndex < episodePlan.jobs.count {
                let job = episodePlan.jobs[jobIndex]
                text += ": target \(job.target)" + (job.fault.map { ", fault \($0.label)" } ?? "")
            }
            text += "\n  replay: \(replayCommand(episode: episode))\n"
        }
        ConsoleOutput.error(text)
        let report = StressSummary(context: self, verdict: verdict, message: message, episode: episode,
                                   jobIndex: jobIndex, elapsedSeconds: elapsed)
        ConsoleOutput.out(report.text)
        report.writeJSONIfRequested(options: options)
        _exit(verdict.exitCode)
    }
}

/// Three decimals, without Foundation.
func format3(_ value: Double) -> String {
    let scaled = Int((value * 1000).rounded())
    let fraction = String(abs(scaled) % 1000)
    return "\(scaled / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
}
