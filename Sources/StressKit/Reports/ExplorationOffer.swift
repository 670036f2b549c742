import Canaries
import Pool

/// Limits of the controlled scheduler that hold in every build: the scenario parser and
/// the driver's offer to explore a finding need them where the controller is not compiled.
public enum ScheduleRunLimits {
    /// Threads a scenario may have: the controller's thread slots.
    public static let maximumThreads = 8
    /// The largest target a scenario's job may have: a schedule should take about a
    /// millisecond.
    public static let maximumTarget: UInt64 = 1 << 20
}

extension ProbePoint {
    /// The point's name in a scenario's text form, with dashes for spaces: "lock-taken".
    var scenarioName: String { String(description.map { $0 == " " ? "-" : $0 }) }
}

extension Episode {
    /// The scenario's text form (see `ExplorationScenarios`), which `stress --explore
    /// --scenario` takes:
    ///
    ///     futex:3:12,5+throw-at-point@lock-taken/t1,0+throw-in-share@share/t2#8
    ///
    /// `#N`, when the episode's number is not 0: the driver derives per-pool choices from it
    /// (a pool started just below the sequence's wrap, `EpisodeRunner.boundarySequence`), so
    /// a replay needs it to run the same pools.
    public var scenarioText: String {
        let jobTexts = jobs.map { job -> String in
            guard let fault = job.fault else { return "\(job.target)" }
            let point = fault.kind == .shareThrow ? "share" : fault.point.scenarioName
            return "\(job.target)+\(fault.kind.rawValue)@\(point)/t\(fault.thread)"
        }
        let blocks = reducer == .spinlock ? scheduler.rawValue : "\(scheduler.rawValue)+\(reducer.rawValue)"
        return "\(blocks):\(threadCount):" + jobTexts.joined(separator: ",") + (index == 0 ? "" : "#\(index)")
    }

    /// Jobs of the window that an exploration of job `jobIndex` covers: the job and up to
    /// `ExplorationOffer.jobsBefore` jobs before it on the same pool. A job whose fault stops
    /// the pool ends a pool, so the window starts after the last such job.
    func explorationWindow(endingAt jobIndex: Int) -> ArraySlice<PlannedJob>? {
        guard jobIndex >= 0 && jobIndex < jobs.count else { return nil }
        var first = max(0, jobIndex - ExplorationOffer.jobsBefore)
        if let stop = jobs[first..<jobIndex].lastIndex(where: { $0.fault?.kind.stopsPool ?? false }) { first = stop + 1 }
        return jobs[first...jobIndex]
    }
}

/// What the driver offers for a finding of random stress: its replay line re-runs the plan
/// (the same episodes, jobs, faults and noise draws), not the interleaving that failed, so a
/// violation that depends on timing may not come back. Exploration searches interleavings
/// instead: the offer is `stress --explore` on a scenario of the failing job's pool (its
/// scheduler, reducer and thread count) and the jobs just before it, with the faults the
/// explorer can inject (a long stall is only a delay, which the explorer's choices cover).
enum ExplorationOffer {
    /// Jobs before the failing one that the scenario keeps: enough for a late thread of an
    /// earlier job to still be in flight (the driver's books keep 4 jobs).
    static let jobsBefore = 4

    /// The note under a replay line.
    static let replayNote = "(the replay re-runs the plan, not the interleaving: a violation that depends on timing may need many runs; the explore line searches the interleavings)"

    /// The scenario of job `jobIndex` of `episode`, or nil when the explorer cannot take it
    /// (more threads than its slots, a target past its limit).
    static func scenario(of episode: Episode, jobIndex: Int) -> String? {
        guard episode.threadCount >= 2 && episode.threadCount <= ScheduleRunLimits.maximumThreads,
              let window = episode.explorationWindow(endingAt: jobIndex),
              window.allSatisfy({ $0.target <= ScheduleRunLimits.maximumTarget }) else { return nil }
        // No idle gaps (the explorer's choices are the delays), and a long stall is only one.
        let jobs = window.map { job in
            PlannedJob(target: job.target, gapMicroseconds: 0, fault: job.fault?.kind == .longStall ? nil : job.fault)
        }
        // The number that makes the scenario's first pool the driver's pool of the window's
        // first job (`EpisodeRunner.boundarySequence` draws from the episode and that job).
        let scenario = Episode(index: episode.index &+ window.startIndex, scheduler: episode.scheduler, reducer: episode.reducer,
                               threadCount: episode.threadCount, spin: .standard, pinning: false, noiseLevel: 0, jobs: jobs)
        return scenario.scenarioText
    }

    /// The command that explores job `jobIndex` of `episode` exhaustively (DFS), or nil.
    static func command(for episode: Episode, jobIndex: Int, variant: Canary?) -> String? {
        guard let scenario = scenario(of: episode, jobIndex: jobIndex) else { return nil }
        var flags = [ExploreCommand.buildCommand, "--explore", "--strategy", "dfs"]
        if let variant { flags += ["--variant", variant.rawValue] }
        return (flags + ["--scenario", scenario]).joined(separator: " ")
    }
}
