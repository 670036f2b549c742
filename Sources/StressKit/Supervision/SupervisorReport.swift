import Glibc
import Pool

/// The report the supervisor writes for a driver that could not write its own: one that
/// died of a signal (verdict `crash`), or one it had to kill (an interrupted run that did
/// not stop in time, or a run past its end that its watchdog did not end). Everything comes
/// from the state the driver left in the shared mapping (`SharedRunState`), read through a
/// `RunContext` of the same options and seed (so the plan, the episodes' configurations and
/// the replay line are the driver's own).
///
/// Like the driver's reports: the finding on stderr (heading, place, replay line, then the
/// state of every caller), the summary on stdout, the JSON to `--json` (written atomically,
/// `FileAccess.writeAtomically`). Returns the exit code.
///
/// Package access: a test plays the supervisor for a driver it ran in an exit test.
package struct SupervisorReport {
    /// Over the shared state; built before the driver started.
    let context: RunContext
    /// The driver's pid: as it published it, else as its supervisor started it.
    let driver: pid_t

    package init(context: RunContext, driver: pid_t) {
        self.context = context
        let published = pid_t(truncatingIfNeeded: context.shared[.driverPID])
        self.driver = published != 0 ? published : driver
    }

    /// Where the fatal signal struck, as far as the shared state tells.
    struct Site {
        var caller: Int?
        var poolThread: Int?
        /// "worker 2 of caller 0's pool", "the watchdog", ...
        var role: String?
    }

    package func report(_ ending: StressSupervisor.Ending) -> Int32 {
        let state = context.shared
        state.loadStatistics(into: context.statistics)
        let crash = state.crash
        let startedAt = state[.startedAt]
        let end = crash?.time ?? MonotonicClock.nanoseconds()
        let elapsed = startedAt == 0 ? 0 : Double(end &- startedAt) / 1e9
        let site = locate(crash)
        let published = state[.statisticsPublishedAt]
        // Published after the recorded crash time (a poll already under way): 0 ms old.
        let statisticsAge = published == 0 ? nil : Double(end > published ? end - published : 0) / 1e6
        // The place: the slot the signal struck, else the earliest episode in progress.
        let placeSlot = site.caller.map { context.slots[$0] }
            ?? context.slots.filter { $0.episode >= 0 }.min { $0.episode < $1.episode }
        let episode = placeSlot?.episode ?? -1
        let jobIndex = placeSlot?.jobIndex ?? -1

        let verdict: Verdict
        let exitCode: Int32
        var message: String
        switch ending {
        case .exited(let code):
            return code
        case .crashed(let signal):
            verdict = .crash
            exitCode = StressExitCode.crash
            message = "the driver (pid \(driver)) died of \(SignalNames.name(signal)), \(SignalNames.meaning(signal))"
            if let thread = crash?.threadName { message += ", in thread '\(thread)'" + (crash.map { " (tid \($0.threadID))" } ?? "") }
            if let role = site.role { message += ": \(role)" }
            if crash == nil && startedAt != 0 { message += "; no thread recorded the signal: it came from outside the process" }
        case .interruptOverran(let signal, let seconds):
            verdict = .interrupted
            exitCode = StressExitCode.interrupted(by: signal)
            message = seconds > 0
                ? "interrupted by \(SignalNames.name(signal)), and the driver (pid \(driver)) did not stop within \(format3(seconds)) s: killed by its supervisor"
                : "the driver (pid \(driver)) was killed by \(SignalNames.name(signal)) itself"
        case .overran(let seconds):
            verdict = .stall
            exitCode = StressExitCode.stall
            message = "the driver (pid \(driver)) ran \(format3(seconds)) s past its planned end and its own watchdog did not end it: killed by its supervisor"
        }
        if startedAt == 0 { message += "; it died before its run started" }
        if let reporting = Int(exactly: state[.reportingVerdict]), reporting > 0, reporting <= Verdict.allCases.count {
            message += "; it was reporting '\(Verdict.allCases[reporting - 1].rawValue)' (see its output above)"
        }
        if let statisticsAge { message += "; statistics as the driver last published them, \(format3(statisticsAge / 1000)) s before" }
        let dump = "\n--- state of every caller when the driver \(verdict == .crash ? "died" : "was killed") ---\n"
            + context.slots.map { describe($0, now: end, site: site) }.joined()
        ConsoleOutput.error(context.findingText(verdict, message + dump, episode: episode, jobIndex: jobIndex, elapsedSeconds: elapsed))
        var summary = StressSummary(context: context, verdict: verdict, message: message + dump, episode: episode,
                                    jobIndex: jobIndex, elapsedSeconds: elapsed, exitCode: exitCode)
        // The race coverage and the per-phase tallies live in the driver's own memory, not in
        // the shared state: the supervisor does not know them, and zeros would be wrong.
        summary.coverage = nil
        summary.perPhase = nil
        if case .crashed(let signal) = ending {
            summary.crash = CrashSection(
                signal: signal, signalName: SignalNames.name(signal), meaning: SignalNames.meaning(signal),
                code: crash?.code, address: crash.map { hex($0.address) }, thread: crash?.threadName, threadID: crash?.threadID,
                caller: site.caller, poolThread: site.poolThread, statisticsAgeMilliseconds: statisticsAge,
                callers: context.slots.map { callerState($0, now: end) })
        }
        ConsoleOutput.out(summary.text)
        summary.writeJSONIfRequested(options: context.options)
        // A driver that died while writing its own report left its temporary file.
        if let path = context.options.jsonPath { unlink(FileAccess.temporaryPath(for: path, pid: driver)) }
        return exitCode
    }

    /// The slot's pool traces, if a pool is attached.
    func traces(of slot: RunnerSlot) -> ThreadTraces? {
        let threads = slot.attachedThreadCount
        guard threads > 0 && threads <= ThreadPoolLimits.maximumThreads else { return nil }
        return ThreadTraces(reading: slot.traceStorage, threadCount: threads)
    }

    /// Which caller and pool thread the crash record names: by the thread handle the traces
    /// recorded at each probe point, else by the thread's name.
    func locate(_ crash: SharedRunState.CrashRecord?) -> Site {
        guard let crash else { return Site() }
        let handle = crash.threadHandle
        for slot in context.slots {
            if let thread = traces(of: slot)?.thread(withHandle: handle) {
                return Site(caller: slot.index, poolThread: thread,
                            role: thread == 0 ? "caller \(slot.index), in its pool" : "worker \(thread) of caller \(slot.index)'s pool")
            }
            if slot.callerThreadHandle == handle { return Site(caller: slot.index, poolThread: 0, role: "caller \(slot.index)") }
        }
        if handle == context.shared[.watchdogThread] { return Site(role: "the driver's watchdog") }
        if handle == context.shared[.mainThread] { return Site(role: "the driver's main thread") }
        let name = crash.threadName ?? ""
        if name.hasPrefix("pool-worker-"), let worker = Int(name.dropFirst("pool-worker-".count)) {
            let candidates = context.slots.filter { $0.attachedThreadCount > worker }
            if candidates.count == 1 {
                return Site(caller: candidates[0].index, poolThread: worker, role: "worker \(worker) of caller \(candidates[0].index)'s pool")
            }
            return Site(role: "worker \(worker) of the pool of caller \(candidates.map { String($0.index) }.joined(separator: " or "))")
        }
        return Site()
    }

    /// One caller's state, for the dump.
    func describe(_ slot: RunnerSlot, now: UInt64, site: Site) -> String {
        let died = site.caller == slot.index
        var text = "caller \(slot.index)\(died ? " (DIED HERE)" : ""): \(slot.phase)"
            + (slot.phase == .idle ? "" : " for \(duration(now &- slot.phaseStartedAt))")
            + ", episode \(slot.episode), job index \(slot.jobIndex)\n"
        guard let traces = traces(of: slot), slot.episode >= 0 else { return text + "  no pool attached\n" }
        text += "  pool: \(EpisodeRunner.poolLabel(context.plan.episode(slot.episode), variant: context.options.variant))\n"
        return text + traces.describe(now: now, marked: died ? site.poolThread : nil)
    }

    /// One caller's state, for the JSON.
    func callerState(_ slot: RunnerSlot, now: UInt64) -> CrashSection.CallerState {
        let traces = traces(of: slot)
        let threads = (0..<(traces?.threadCount ?? 0)).map { thread in
            let last = traces!.lastPoint(of: thread)
            return CrashSection.ThreadPoint(thread: thread, point: last.point.map { "\($0)" }, value: last.value,
                                            millisecondsAgo: last.point == nil ? nil : Double(now &- last.time) / 1e6)
        }
        return CrashSection.CallerState(
            caller: slot.index, phase: "\(slot.phase)",
            phaseMilliseconds: slot.phase == .idle ? nil : Double(now &- slot.phaseStartedAt) / 1e6,
            episode: slot.episode >= 0 ? slot.episode : nil, jobIndex: slot.jobIndex >= 0 ? slot.jobIndex : nil,
            pool: traces != nil && slot.episode >= 0
                ? EpisodeRunner.poolLabel(context.plan.episode(slot.episode), variant: context.options.variant) : nil,
            threads: threads)
    }
}
