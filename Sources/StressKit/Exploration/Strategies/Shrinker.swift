#if Exploration
import Pool

/// Minimises a failing schedule before it is reported: a smaller scenario (fewer jobs, fewer
/// threads, no faults, smaller targets), then the fewest preemptions (a DFS of the smaller
/// scenario with bound 0, 1, ...), then fewer deviations from the default schedule (each
/// non-default choice that the failure does not need is dropped).
///
/// A candidate is kept when it fails the same way (the same `ExplorationFinding.Kind`). For a
/// smaller scenario the failing schedule is first replayed as it is (a job removed after the
/// failure changes nothing before it); if that passes, a short search looks for a failing
/// schedule of the candidate: DFS within the original's preemptions, then random schedules.
/// Each step is greedy: the first smaller candidate that fails is taken, and the candidates
/// are tried again from it, until none fails. The search budget bounds the whole shrink.
struct Shrinker {
    let explorer: Explorer
    let kind: ExplorationFinding.Kind
    /// Schedules a candidate scenario's search may run, per strategy.
    let searchSchedules: Int
    /// Schedules the whole shrink may run.
    let budget: Int
    let seed: UInt64
    private(set) var schedulesRun = 0

    init(explorer: Explorer, kind: ExplorationFinding.Kind, seed: UInt64, searchSchedules: Int = 200, budget: Int = 4000) {
        self.explorer = explorer
        self.kind = kind
        self.seed = seed
        self.searchSchedules = searchSchedules
        self.budget = budget
    }

    /// The smallest failing run found from `failing`.
    mutating func shrink(_ failing: ScheduleResult) -> ScheduleResult {
        var best = failing
        var improved = true
        while improved && schedulesRun < budget {
            improved = false
            for candidate in smallerScenarios(than: best.scenario) {
                if let result = reproduce(candidate, hint: best.schedule, preemptions: best.preemptions) {
                    best = result
                    improved = true
                    break
                }
                if schedulesRun >= budget { break }
            }
        }
        best = fewestPreemptions(best)
        improved = true
        while improved && schedulesRun < budget {
            improved = false
            // From the last deviation back: a late one is the likeliest to be irrelevant.
            for index in stride(from: best.schedule.count - 1, through: 0, by: -1) {
                let candidate = best.schedule.removing(at: index)
                let result = replay(best.scenario, candidate)
                if result.finding?.kind == kind && result.schedule.count < best.schedule.count {
                    best = result
                    improved = true
                    break
                }
                if schedulesRun >= budget { break }
            }
        }
        return best
    }

    /// A failing schedule of the same scenario with the fewest preemptions: DFS with bound
    /// 0, 1, ... below the failing one's, each within the search budget. The first bound
    /// that fails is the least (if the smaller bounds were exhausted).
    private mutating func fewestPreemptions(_ failing: ScheduleResult) -> ScheduleResult {
        for bound in 0..<min(failing.preemptions, 4) {
            let strategy = DFSStrategy(preemptionBound: bound)
            var tried = 0
            while tried < 5 * searchSchedules && schedulesRun < budget && strategy.beginSchedule(threads: failing.scenario.threadCount) {
                tried += 1
                schedulesRun += 1
                let result = explorer.run(failing.scenario, strategy: strategy)
                if result.finding?.kind == kind { return result }
            }
        }
        return failing
    }

    private mutating func replay(_ episode: Episode, _ schedule: Schedule) -> ScheduleResult {
        schedulesRun += 1
        return explorer.replay(episode, schedule)
    }

    /// A failing run of `episode` of the same kind, if a short search finds one.
    private mutating func reproduce(_ episode: Episode, hint: Schedule, preemptions: Int) -> ScheduleResult? {
        let replayed = replay(episode, hint)
        if replayed.finding?.kind == kind { return replayed }
        let searches: [any ScheduleStrategy] = [
            DFSStrategy(preemptionBound: min(max(preemptions, 1), 2)),
            RandomStrategy(seed: seed ^ 0x5EED_5EED, firstSchedule: 0),
        ]
        for strategy in searches {
            var tried = 0
            while tried < searchSchedules && schedulesRun < budget && strategy.beginSchedule(threads: episode.threadCount) {
                tried += 1
                schedulesRun += 1
                let result = explorer.run(episode, strategy: strategy)
                if result.finding?.kind == kind { return result }
            }
        }
        return nil
    }

    /// Candidates smaller than `episode`, the biggest cuts first: one job fewer, one thread
    /// fewer, one fault fewer, one target smaller.
    func smallerScenarios(than episode: Episode) -> [Episode] {
        var candidates: [Episode] = []
        if episode.jobs.count > 1 {
            for index in stride(from: episode.jobs.count - 1, through: 0, by: -1) {
                var smaller = episode
                smaller.jobs.remove(at: index)
                candidates.append(smaller)
            }
        }
        if episode.threadCount > 2 {
            var smaller = episode
            smaller.threadCount -= 1
            for index in smaller.jobs.indices where (smaller.jobs[index].fault?.thread ?? 0) >= smaller.threadCount {
                smaller.jobs[index].fault = nil
            }
            candidates.append(smaller)
        }
        for index in episode.jobs.indices where episode.jobs[index].fault != nil {
            var smaller = episode
            smaller.jobs[index].fault = nil
            candidates.append(smaller)
        }
        for index in episode.jobs.indices {
            let target = episode.jobs[index].target
            let threads = UInt64(episode.threadCount)
            for smallerTarget in [0, 1, threads, target / 2] where smallerTarget < target {
                var smaller = episode
                smaller.jobs[index].target = smallerTarget
                if !candidates.contains(smaller) { candidates.append(smaller) }
            }
        }
        return candidates
    }
}
#endif
