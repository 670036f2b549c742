import Glibc
import Pool
import PoolSupport

/// One stress run: its options, seed and plan, the shared counters, the caller threads'
/// slots, the state a supervisor can read (`SharedRunState`), and the single exit door for
/// violations and stalls.
///
/// An interrupt (SIGINT, SIGTERM: `interrupt(by:)`) ends the run like its deadline does:
/// each caller finishes its job in progress and shuts its pool down, and the driver reports
/// what ran with the verdict `interrupted`.
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
    /// The digest of the plan this run draws from: the hot plan's for `--profile hot`, the
    /// noisy plan's otherwise.
    public let digest: UInt64
    /// The hot plan's digest, beside the noisy one, when a run alternates.
    public let hotDigest: UInt64?
    /// When each phase runs (`--profile`).
    public let schedule: PhaseSchedule
    /// Protocol-race counts and jobs per phase.
    public let coverage = RunCoverage()
    public let statistics = StressStatistics()
    public let slots: [RunnerSlot]
    /// Where the slots, the traces, the published statistics and the crash record live: the
    /// supervisor's mapping, or private memory when no supervisor watches.
    public let shared: SharedRunState
    public let startedAt: UInt64
    public let deadline: UInt64
    /// The footprint bound the watchdog checks while pools come and go; set by the driver
    /// before its threads start (nil: not checked, as in the supervisor's view of a run).
    public internal(set) var resourceBudget: ResourceBudget?
    private let terminateMutex = CheckedMutex()
    /// Where a violation goes first, if set: `stress --explore` records it as the finding of
    /// the schedule that the calling thread runs in, and ends only that schedule's threads
    /// (the interceptor then never returns). If it returns, the violation ends the process
    /// as usual. Arguments: verdict, message, episode, job index.
    public let findingInterceptor: (@Sendable (Verdict, String, Int, Int) -> Void)?

    /// `shared`: the supervisor's state, to be written by this run (or read, by the
    /// supervisor itself); nil: private memory.
    public init(options: StressOptions, seed: UInt64, callerThreads: Int, shared: SharedRunState? = nil,
                findingInterceptor: (@Sendable (Verdict, String, Int, Int) -> Void)? = nil) {
        self.findingInterceptor = findingInterceptor
        self.options = options
        self.seed = seed
        plan = StressPlan(seed: seed, options: options)
        schedule = PhaseSchedule(profile: options.profile, hotPossible: !plan.hotThreadCounts.isEmpty)
        let noisyDigest = schedule.phases.contains(.noisy) ? plan.digest() : nil
        let hotDigest = schedule.phases.contains(.hot) ? plan.hotDigest : nil
        digest = noisyDigest ?? hotDigest ?? 0
        self.hotDigest = noisyDigest == nil ? nil : hotDigest
        let state = shared ?? .privateState(callerThreads: callerThreads)
        precondition(state.callerThreads == callerThreads, "RunContext: a shared state of \(state.callerThreads) slots for \(callerThreads) callers")
        self.shared = state
        slots = (0..<callerThreads).map { RunnerSlot(index: $0, state: state) }
        startedAt = MonotonicClock.nanoseconds()
        deadline = startedAt &+ UInt64(options.seconds * 1e9)
    }

    /// The run's time is up: its deadline passed, or it was interrupted.
    public var timeIsUp: Bool { MonotonicClock.nanoseconds() >= deadline || shared[.interruptSignal] != 0 }

    /// The first interrupting signal, or nil.
    public var interruptSignal: Int32? { shared.interruptSignal }

    /// Records an interrupt (the first one counts): the callers stop after their jobs in
    /// progress. Returns false if the run was already interrupted.
    @discardableResult
    public func interrupt(by signal: Int32) -> Bool {
        guard shared[.interruptSignal] == 0 else { return false }
        shared[.interruptSignal] = UInt64(signal)
        return true
    }

    /// The phase the run is in now.
    public var currentPhase: StressPhase { phase(at: MonotonicClock.nanoseconds()) }

    func phase(at now: UInt64) -> StressPhase {
        schedule.alternates ? schedule.phase(atSeconds: Double(now &- startedAt) / 1e9) : schedule.phases[0]
    }

    /// Whether an episode of `phase` may run another job: time is not up (nor the run
    /// interrupted) and its phase has not ended (phases alternate, so a phase that is not
    /// current has ended).
    public func mayContinue(_ episodePhase: StressPhase) -> Bool {
        let now = MonotonicClock.nanoseconds()
        return now < deadline && shared[.interruptSignal] == 0 && phase(at: now) == episodePhase
    }

    /// The races this run's options let it exercise: the union over its phases of the races
    /// whose `ProtocolRace.requirement` the phase meets.
    public var applicableRaces: Set<ProtocolRace> {
        var common: ProtocolRace.Requirement = []
        if plan.schedulers.contains(.futex) { common.insert(.futex) }
        if plan.schedulers.contains(.basic) { common.insert(.basic) }
        if plan.reducers.contains(.spinlock) { common.insert(.spinLock) }
        var races: Set<ProtocolRace> = []
        for phase in schedule.phases {
            var provided = common
            switch phase {
            case .hot:
                provided.insert(.parallel)
            case .noisy:
                provided.insert(.noisy)
                if plan.threadCounts.contains(where: { $0 >= 2 }) { provided.insert(.parallel) }
                if options.faultRate > 0 { provided.insert(.faults) }
            }
            races.formUnion(ProtocolRace.applicable(given: provided))
        }
        return races
    }

    /// Race counts per phase: every ended pool's, plus a snapshot of the pools still running.
    public func coverageSnapshot() -> [StressPhase: [UInt64]] {
        coverage.snapshot(adding: slots.compactMap { slot in slot.attachedView.map { ($0.record.raceTotals, $0.record.phase) } })
    }

    public var elapsedSeconds: Double { Double(MonotonicClock.nanoseconds() &- startedAt) / 1e9 }
    public var watchdogNanoseconds: UInt64 { UInt64(options.watchdogSeconds * 1e9) }

    /// The command that replays this plan from `episode`: a hot episode with the hot
    /// profile and its thread counts, a noisy one with the noisy profile (when the run had
    /// hot phases too). A hot episode has no faults and no noise whatever the options say,
    /// so its line carries neither: the line names exactly what shapes the episode.
    public func replayCommand(episode: Int) -> String {
        let hot = episode >= StressPlan.hotEpisodeBase
        let threads = hot ? plan.hotThreadCounts : plan.threadCounts
        var flags = ["stress", "--seed", "\(seed)", "--threads", threads.map(String.init).joined(separator: ",")]
        if plan.schedulers != SchedulerKind.allCases { flags += ["--scheduler", plan.schedulers[0].rawValue] }
        if plan.reducers != ReducerKind.allCases { flags += ["--reducer", plan.reducers[0].rawValue] }
        if !hot { flags += ["--faults", "\(options.faultRate)", "--noise", "\(options.noiseLevel)"] }
        flags += ["--watchdog", "\(options.watchdogSeconds)"]
        if hot {
            flags += ["--profile", "hot"]
        } else if schedule.phases.contains(.hot) {
            flags += ["--profile", "noisy"]
        }
        if let variant = options.variant { flags += ["--variant", variant.rawValue] }
        flags += ["--from-episode", "\(episode)"]
        return flags.joined(separator: " ")
    }

    /// Reports a violation or a stall and ends the process. Never returns.
    public func terminate(_ verdict: Verdict, _ message: String, episode: Int, jobIndex: Int) -> Never {
        if let findingInterceptor { findingInterceptor(verdict, message, episode, jobIndex) }
        // Held until the process ends: later callers block in `withLock`.
        terminateMutex.withLock { reportAndExit(verdict, message, episode: episode, jobIndex: jobIndex) }
    }

    private func reportAndExit(_ verdict: Verdict, _ message: String, episode: Int, jobIndex: Int) -> Never {
        awaitDeathIfCrashing()
        let elapsed = elapsedSeconds
        // If this process dies while it reports, its supervisor says what it was reporting.
        shared[.reportingVerdict] = UInt64(Verdict.allCases.firstIndex(of: verdict)! + 1)
        ConsoleOutput.error(findingText(verdict, message, episode: episode, jobIndex: jobIndex, elapsedSeconds: elapsed))
        let report = StressSummary(context: self, verdict: verdict, message: message, episode: episode,
                                   jobIndex: jobIndex, elapsedSeconds: elapsed)
        ConsoleOutput.out(report.text)
        report.writeJSONIfRequested(options: options)
        awaitDeathIfCrashing()
        _exit(verdict.exitCode)
    }

    /// How long a thread that would end the run waits for a crash in progress to end it.
    static let crashGraceNanoseconds: UInt64 = 30_000_000_000

    /// Whether a thread of this process has died of a fatal signal (`FatalSignalRecorder`):
    /// the process is dying, however long the runtime's backtrace takes.
    public var isCrashing: Bool { shared[.signal] != 0 }

    /// A fatal signal was recorded: the crash is the verdict, not what other threads notice
    /// meanwhile (a job that fails because the dying thread left the protocol half done, a
    /// stall while the runtime's backtracer holds the threads). Waits, bounded, for the
    /// signal to end the process, so that its supervisor reports the crash. Returns at once
    /// if no fatal signal was recorded, or after the grace period (the supervisor, which
    /// sees the record, still reports the crash).
    func awaitDeathIfCrashing() {
        guard isCrashing else { return }
        let deadline = MonotonicClock.nanoseconds() &+ Self.crashGraceNanoseconds
        while MonotonicClock.nanoseconds() < deadline { usleep(10_000) }
    }
}

extension RunContext {
    /// The verdict's heading, the place (episode, configuration, job) and the replay line:
    /// what the driver prints on stderr when a run ends with a finding, and the supervisor
    /// for a driver that died. `replayLabel`: what the replay line is for ("continue", for an
    /// interrupted run).
    func findingText(_ verdict: Verdict, _ message: String, episode: Int, jobIndex: Int, elapsedSeconds elapsed: Double,
                     replayLabel: String = "replay") -> String {
        var text = "\n\(verdict.title) (\(verdict.rawValue)) after \(String(format3(elapsed))) s: \(message)\n"
        if episode >= 0 {
            let episodePlan = plan.episode(episode)
            text += "  episode \(episode) (\(episodePlan.configurationLabel)), job index \(jobIndex)"
            if jobIndex >= 0 && jobIndex < episodePlan.jobs.count {
                let job = episodePlan.jobs[jobIndex]
                text += ": target \(job.target)" + (job.fault.map { ", fault \($0.label)" } ?? "")
            }
            text += "\n  \(replayLabel): \(replayCommand(episode: episode))\n"
            if replayLabel == "replay" {
                text += "  \(ExplorationOffer.replayNote)\n"
                if let explore = ExplorationOffer.command(for: episodePlan, jobIndex: jobIndex, variant: options.variant) {
                    text += "  explore: \(explore)\n"
                }
            }
        }
        return text
    }
}

/// Three decimals, without Foundation.
func format3(_ value: Double) -> String {
    let scaled = Int((value * 1000).rounded())
    let fraction = String(abs(scaled) % 1000)
    return "\(scaled / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
}
