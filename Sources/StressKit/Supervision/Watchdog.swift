import Glibc
import Pool
import PoolSupport
import Synchronization

/// The run's own thread: prints the progress line once a second, and ends the run with a
/// stall report when a caller thread overruns the deadline in any timed phase.
///
/// On a stall: dump every pool's threads (last probe point, its value, how long ago), the
/// scheduler's and the reducer's diagnostics, the episode and the job; diagnose a LOST
/// WAKE-UP (a worker parked while its wake condition already holds), a STOP NOT RAISED (a
/// failed thread passed 'stop raised' but the scheduler is not stopped), a STOP NOT SEEN (the
/// scheduler's word holds stop, but the `isStopped` its threads poll says running), or a LOST UPDATE
/// (every thread of the running job decremented the reducer's count, yet the count still
/// expects contributions: two merges overlapped and one overwrote the other, which
/// ThreadSanitizer cannot see when every field is atomic: docs/PLATFORM.md, "Lost updates
/// with all-atomic fields"); issue one rescue wake and report whether the job then moved
/// on; exit 2.
///
/// At each poll it also: collects SIGINT and SIGTERM (`InterruptSignals`: blocked in every
/// thread, pending until taken here) and interrupts the run; copies the statistics into the
/// shared state for the supervisor (`SharedRunState`); notices a supervisor that is gone and
/// stops the run as if interrupted; and, every `resourceCheckNanoseconds`, checks the
/// process's footprint against the run's `ResourceBudget` (verdict `resource leak`, exit 1).
public final class Watchdog: @unchecked Sendable {
    let context: RunContext
    let finished = Atomic<Bool>(false)
    private var thread: NamedThread?
    static let pollMicroseconds: UInt32 = 20_000
    /// Sampling /proc/self/maps costs about a millisecond per few thousand mappings.
    static let resourceCheckNanoseconds: UInt64 = 250_000_000

    public init(context: RunContext) { self.context = context }

    public func start() {
        thread = NamedThread.startOrDie(name: "stress-watchdog") { [self] in
            context.shared[.watchdogThread] = SharedRunState.currentThreadHandle
            run()
        }
    }

    public func stop() {
        // relaxed: a flag polled by the watchdog; the join below orders everything else.
        finished.store(true, ordering: .relaxed)
        thread?.join()
        thread = nil
    }

    func run() {
        var nextProgress = MonotonicClock.nanoseconds() &+ 1_000_000_000
        var nextResourceCheck = MonotonicClock.nanoseconds()
        let supervisor = pid_t(truncatingIfNeeded: context.shared[.supervisorPID])
        while !finished.load(ordering: .relaxed) {
            // The poll's sleep: woken early by SIGINT or SIGTERM.
            if let signal = InterruptSignals.wait(microseconds: Self.pollMicroseconds) { interrupted(by: signal) }
            if supervisor != 0 && getppid() != supervisor && context.interrupt(by: SIGTERM) {
                ConsoleOutput.error("\nstress: the supervisor (pid \(supervisor)) is gone: stopping after the jobs in progress, as for SIGTERM\n")
            }
            // A thread died of a fatal signal: the crash is the verdict. The runtime's
            // backtrace may hold the other threads for seconds; that is no stall. The
            // statistics stay as they were at the crash.
            if context.isCrashing { continue }
            context.shared.publish(context.statistics)
            let now = MonotonicClock.nanoseconds()
            if now >= nextResourceCheck, let budget = context.resourceBudget {
                nextResourceCheck = now &+ Self.resourceCheckNanoseconds
                if let crossed = budget.check(ProcessFootprint.sample()) { leak(crossed) }
            }
            for slot in context.slots {
                let phase = slot.phase
                if phase != .idle && now &- slot.phaseStartedAt > context.watchdogNanoseconds
                    && slot.phaseStartedAt < now {
                    stall(slot)
                }
            }
            if now >= nextProgress {
                nextProgress = now &+ 1_000_000_000
                if !context.options.quiet { ConsoleOutput.error(progressLine(now: now)) }
            }
        }
    }

    /// SIGINT or SIGTERM: the callers finish their jobs in progress, shut their pools down
    /// and return; the driver then reports what ran. A stall meanwhile is still a stall.
    func interrupted(by signal: Int32) {
        guard context.interrupt(by: signal) else { return }
        ConsoleOutput.error("\nstress: \(SignalNames.name(signal)): stopping after the jobs in progress "
                            + "(at most the watchdog's \(context.options.watchdogSeconds) s), then reporting what ran\n")
    }

    /// The footprint crossed its bound: a leak across pool churn. Reported where the first
    /// caller in an episode is now (its replay line churns pools again from there).
    func leak(_ crossed: String) -> Never {
        let slot = context.slots.first { $0.episode >= 0 } ?? context.slots[0]
        let pools = context.statistics.poolsCreated.load(ordering: .relaxed)
        context.terminate(.resourceLeak, "after \(pools) pools created and destroyed, the process holds \(crossed)",
                          episode: slot.episode, jobIndex: slot.jobIndex)
    }

    func progressLine(now: UInt64) -> String {
        let statistics = context.statistics
        let elapsed = Double(now &- context.startedAt) / 1e9
        let remaining = max(0, context.options.seconds - elapsed)
        let jobs = statistics.jobs.load(ordering: .relaxed)
        return "[\(Int(elapsed)) s, \(Int(remaining.rounded(.up))) s left] jobs \(jobs) (\(Int(Double(jobs) / max(elapsed, 1e-9)))/s)"
            + ", faults \(statistics.faultsInjected.load(ordering: .relaxed)) injected"
            + " / \(statistics.stopsPropagated.load(ordering: .relaxed)) stops propagated"
            + ", pools \(statistics.poolsCreated.load(ordering: .relaxed))"
            + ", worst job \(duration(statistics.worstLatency.load(ordering: .relaxed)))\n"
    }

    /// Dump, diagnose, rescue once, exit 2.
    func stall(_ stalled: RunnerSlot) -> Never {
        let now = MonotonicClock.nanoseconds()
        let episode = stalled.episode
        let jobIndex = stalled.jobIndex
        var text = "caller \(stalled.index) has been \(stalled.phase) for \(duration(now &- stalled.phaseStartedAt)) (watchdog \(context.options.watchdogSeconds) s)\n"
        text += "--- dump of every pool ---\n"
        for slot in context.slots {
            text += dump(slot, now: now, stalled: slot === stalled)
        }
        var diagnosis: [String] = []
        var lostWakeUp = false
        if let view = stalled.attachedView {
            let scheduler = view.schedulerDiagnostics()
            let kernelBefore = (0..<view.record.threadCount).map { view.record.traces.kernelState(of: $0) }
            for thread in 0..<view.record.threadCount {
                let last = view.record.lastPoint(of: thread)
                if last.point == .beforePark && !scheduler.stopped {
                    let wakeConditionHolds = view.parksOnGeneration
                        ? scheduler.word != last.value : scheduler.pendingTasks > 0
                    if wakeConditionHolds, let kernel = kernelBefore[thread], kernel.isRunnable {
                        diagnosis.append("NOT PARKED: thread \(thread)'s last point is 'before park' (value \(last.value)), but the kernel says it is \(kernel): it was woken (or never slept) and waits for a CPU; no lost wake-up")
                    } else if wakeConditionHolds {
                        lostWakeUp = true
                        diagnosis.append("LOST WAKE-UP: thread \(thread) parked (before park, value \(last.value)) \(duration(now &- last.time)) ago, but the scheduler says "
                                         + (view.parksOnGeneration ? "the word it parked on (a barrier generation, a job sequence) moved on to \(scheduler.word)" : "\(scheduler.pendingTasks) task(s) are pending"))
                    }
                }
                if last.point == .stopRaised && !scheduler.stopped {
                    diagnosis.append("STOP NOT RAISED: thread \(thread) failed and passed 'stop raised' \(duration(now &- last.time)) ago, but the scheduler is not stopped (\(scheduler))")
                }
            }
            if scheduler.stopped && !view.isStopped() {
                diagnosis.append("STOP NOT SEEN: the scheduler's word holds stop (\(scheduler)), but its isStopped says running: a thread that waits on isStopped (the caller's gather) never learns of the stop")
            }
            let reducer = view.reducerDiagnostics()
            let contributors = view.record.contributorsToCurrentJob
            if stalled.phase == .runningJob && contributors == view.record.threadCount && reducer.remainingThreads > 0 {
                diagnosis.append("LOST UPDATE: all \(contributors) threads decremented the reducer's count for this job, yet it still expects \(reducer.remainingThreads) contribution(s)")
            }
            let before = stalled.progressCount
            view.wakeSpuriously()
            var moved = false
            let rescueDeadline = MonotonicClock.nanoseconds() &+ 2_000_000_000
            while MonotonicClock.nanoseconds() < rescueDeadline {
                if stalled.progressCount != before { moved = true; break }
                usleep(1000)
            }
            let outcome = moved
                ? (lostWakeUp ? "the stalled job COMPLETED after it: the sleeper had missed its wake-up" : "the stalled job moved on within 2 s after it (a starved thread, or a missed wake-up)")
                : "the stalled job did NOT move on within 2 s"
            diagnosis.append("rescue: one spurious wake-all; \(outcome)")
            if !moved { diagnosis += Self.starvation(before: kernelBefore, after: (0..<view.record.threadCount).map { view.record.traces.kernelState(of: $0) }) }
        } else {
            diagnosis.append("no pool attached to the stalled caller (stuck creating or between pools)")
        }
        if diagnosis.count == 1 && !lostWakeUp { diagnosis.insert("no lost wake-up diagnosed: a thread is stuck in a spin, a share, or a lock", at: 0) }
        text += diagnosis.joined(separator: "\n")
        context.terminate(lostWakeUp ? .lostWakeup : .stall, text, episode: episode, jobIndex: jobIndex)
    }

    /// Threads that were runnable throughout the rescue window and got no CPU time in it: the
    /// machine starved them, which no protocol bug explains (one line each).
    static func starvation(before: [KernelThreadState?], after: [KernelThreadState?]) -> [String] {
        zip(before, after).enumerated().compactMap { thread, states in
            guard let first = states.0, let second = states.1, first.isRunnable, second.isRunnable,
                  second.runNanoseconds == first.runNanoseconds else { return nil }
            let waited = duration(second.runQueueWaitNanoseconds &- first.runQueueWaitNanoseconds)
            return "STARVED: thread \(thread) was runnable throughout the rescue window and got no CPU time (\(second); its run-queue wait grew by \(waited)): the machine starved it, no protocol bug explains that"
        }
    }

    func dump(_ slot: RunnerSlot, now: UInt64, stalled: Bool) -> String {
        var text = "caller \(slot.index)\(stalled ? " (STALLED)" : ""): \(slot.phase) for \(duration(now &- slot.phaseStartedAt)), episode \(slot.episode), job index \(slot.jobIndex)\n"
        guard let view = slot.attachedView else { return text + "  no pool attached\n" }
        text += "  pool: \(view.label)\n  scheduler: \(view.schedulerDiagnostics())\n  reducer: \(view.reducerDiagnostics())\n"
        let fault = view.record.faultSnapshot
        if fault.state != .idle {
            let place = fault.kind == .shareThrow ? "in the share" : "at '\(fault.point)'"
            text += "  fault: \(fault.state) \(fault.kind.rawValue) \(place) on thread \(fault.thread) (job \(fault.job))\n"
        }
        text += view.record.traces.describe(now: now, askingKernel: true)
        return text
    }
}
