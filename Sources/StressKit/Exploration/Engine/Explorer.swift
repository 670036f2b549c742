#if Exploration
import Glibc
import Pool
import PoolSupport

/// What one schedule did.
struct ScheduleResult: Sendable {
    /// The stress scenario it ran (nil for a custom body).
    var episode: Episode?
    var finding: ExplorationFinding?
    /// The schedule that replays this run: its decisions that differ from the default.
    var schedule: Schedule
    /// Decisions taken (each scheduling point is one).
    var decisions: Int
    /// Preemptions (and spurious wake-ups) among them.
    var preemptions: Int
    /// The stress scenario, for a result of `Explorer.run(_:strategy:...)`.
    var scenario: Episode {
        guard let episode else { preconditionFailure("ScheduleResult.scenario: this run had a custom body, not a stress scenario") }
        return episode
    }
    /// The trace, if the run recorded one.
    var events: [StepEvent]
    /// The most threads alive at once.
    var threads: Int
}

/// Runs schedules of the real pool, one at a time, each on fresh threads under its own
/// `ScheduleRun`: the explorer's own thread starts the scenario's caller (thread 0), then
/// waits until the run ends, bounded by a wall-clock backstop.
///
/// The scenario's caller runs the stress driver's own `EpisodeRunner` on the episode: the
/// same pool construction, jobs, oracle, witness and error checks, refusal and shutdown as
/// `stress`; its violations reach the run through the run context's interceptor instead of
/// ending the process.
///
/// The backstop: a run that does not end within `backstopSeconds` of wall-clock time has a
/// thread blocked outside the controller (a real kernel wait, a loop with no scheduling
/// point). That is a harness bug or a canary that hides from the controller; the explorer
/// reports it as a stall, with every thread's state and the schedule so far, and ends the
/// process (exit 2): the stuck threads cannot be ended from outside.
final class Explorer: @unchecked Sendable {
    let context: RunContext
    let slot = RunnerSlot(index: 0)
    let settings: ScheduleRun.Settings
    let backstopSeconds: Double
    /// Called when the backstop fires, before the process ends: prints the report.
    let onBackstop: @Sendable (ScheduleRun, String) -> Never

    private(set) var schedulesRun = 0
    private(set) var decisionsRun = 0
    private(set) var switchesRun = 0

    init(context: RunContext, settings: ScheduleRun.Settings, backstopSeconds: Double,
         onBackstop: @escaping @Sendable (ScheduleRun, String) -> Never) {
        self.context = context
        self.settings = settings
        self.backstopSeconds = backstopSeconds
        self.onBackstop = onBackstop
    }

    /// The run context's interceptor: a violation on a controlled thread becomes that run's
    /// finding, and the thread ends there.
    static let interceptor: @Sendable (Verdict, String, Int, Int) -> Void = { verdict, message, _, jobIndex in
        guard let run = Exploration.activeController as? ScheduleRun else { return }
        run.fail(ExplorationFinding.Kind(verdict), message, jobIndex: jobIndex >= 0 ? jobIndex : nil)
    }

    /// Runs `episode` once under `strategy` (whose `beginSchedule` the caller has called;
    /// this calls its `endSchedule`): the stress driver's episode runner is thread 0's body.
    func run(_ episode: Episode, strategy: any ScheduleStrategy, tracing: Bool = false,
             spuriousWakeBudget: Int? = nil) -> ScheduleResult {
        let context = self.context
        let slot = self.slot
        var result = run(body: { EpisodeRunner(context: context, slot: slot).run(episode) }, label: episode.scenarioText,
                         strategy: strategy, tracing: tracing, spuriousWakeBudget: spuriousWakeBudget)
        result.episode = episode
        return result
    }

    /// Runs `body` as thread 0 of one schedule: any code that creates its threads through the
    /// pool's hooks (`ExplorationController.workerWillSpawn` ...) and synchronises through
    /// `PaddedAtomic` and `ParkingWord`. `label` names it in a backstop report.
    func run(body: @escaping @Sendable () -> Void, label: String, strategy: any ScheduleStrategy,
             tracing: Bool = false, spuriousWakeBudget: Int? = nil) -> ScheduleResult {
        var runSettings = settings
        runSettings.tracing = tracing
        if let spuriousWakeBudget { runSettings.spuriousWakeBudget = spuriousWakeBudget }
        let run = ScheduleRun(settings: runSettings, strategy: strategy)
        run.prepareCaller()
        let caller = NamedThread.startOrDie(name: "explore-caller") { run.callerMain(body) }
        if !run.waitUntilDone(timeoutNanoseconds: UInt64(backstopSeconds * 1e9)) {
            onBackstop(run, label)
        }
        caller.join()
        schedulesRun += 1
        decisionsRun += run.decisions
        switchesRun += run.switches
        let result = ScheduleResult(episode: nil, finding: run.finding, schedule: Schedule(run.deviations),
                                    decisions: run.decisions, preemptions: run.preemptions, events: run.events,
                                    threads: run.maximumLiveThreads)
        strategy.endSchedule(decisions: run.decisions)
        if run.finding == nil { run.deallocateWords() }
        return result
    }

    /// Replays `schedule` on `episode`, with the trace if asked.
    func replay(_ episode: Episode, _ schedule: Schedule, tracing: Bool = false) -> ScheduleResult {
        let strategy = ReplayStrategy(schedule)
        _ = strategy.beginSchedule(threads: episode.threadCount)
        return run(episode, strategy: strategy, tracing: tracing, spuriousWakeBudget: schedule.spuriousWakes)
    }
}
#endif
