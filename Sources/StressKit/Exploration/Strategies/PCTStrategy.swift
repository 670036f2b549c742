#if Exploration
import PoolSupport

/// `--strategy pct --depth D`: probabilistic concurrency testing (Burckhardt, Kothari,
/// Musuvathi, Nagarakatte, ASPLOS 2010).
///
/// Each schedule gives the thread slots distinct random priorities from D upwards and picks
/// D − 1 change points uniformly among the decisions 1 ... k. At every decision the enabled
/// thread with the highest priority runs; at the i-th change point the running thread's
/// priority drops to i, below every initial one. For a program of n threads and k steps,
/// one schedule finds a given bug of depth D (D ordering constraints) with probability at
/// least 1/(n·k^(D−1)). k is measured: the most decisions a schedule has taken so far.
///
/// Spurious wake-ups: at a change point where a thread waits in a futex and the budget
/// allows, the change wakes it spuriously instead, with probability 1/2. Yields need no
/// special case: a failed spin check blocks the spinner until a word it read changes (a
/// bounded spinner stays enabled: running it is its give-up, which its priority decides).
/// A load's choice of store (a weak memory model's) is drawn: the latest with probability
/// 1/2, else uniformly among those allowed.
final class PCTStrategy: ScheduleStrategy {
    let name = "pct"
    let depth: Int
    private let seed: UInt64
    private var schedule: UInt64
    private var random: SplitMix64
    /// k: the most decisions any schedule took so far (an estimate before the first one).
    private(set) var measuredSteps = 0
    /// n: the most threads any schedule's scenario had.
    private(set) var measuredThreads = 0
    private var priorities: [Int] = []
    private var changePoints: [Int] = []
    /// Before any schedule has run: the k used to place the first change points.
    static let initialStepEstimate = 100

    init(seed: UInt64, depth: Int, firstSchedule: UInt64 = 0) {
        precondition(depth >= 1, "PCT needs a depth of at least 1, got \(depth)")
        self.seed = seed
        self.depth = depth
        schedule = firstSchedule
        random = SplitMix64(seed: seed, stream: firstSchedule)
    }

    /// The probability bound 1/(n·k^(D−1)) for the measured n and k.
    var guarantee: Double {
        let steps = Double(max(measuredSteps, 1))
        var bound = 1 / Double(max(measuredThreads, 1))
        for _ in 1..<max(depth, 1) { bound /= steps }
        return bound
    }

    func beginSchedule(threads: Int) -> Bool {
        random = SplitMix64(seed: seed, stream: schedule)
        measuredThreads = max(measuredThreads, threads)
        priorities = Array(depth..<(depth + ScheduleRun.maximumThreads))
        // Fisher-Yates, from the schedule's own stream.
        for index in stride(from: priorities.count - 1, to: 0, by: -1) {
            priorities.swapAt(index, Int(random.below(UInt64(index + 1))))
        }
        let steps = measuredSteps > 0 ? measuredSteps : Self.initialStepEstimate
        changePoints = (1..<max(depth, 1)).map { _ in 1 + Int(random.below(UInt64(steps))) }
        return true
    }

    func choose(_ decision: ScheduleDecision) -> Int {
        // A load's store: the latest half of the time, else any the model allows (priorities
        // order threads, not stores).
        if decision.isRead {
            return random.chance(0.5) ? 0 : Int(random.below(UInt64(decision.options.count)))
        }
        var changed = false
        for (index, point) in changePoints.enumerated() where point == decision.number {
            priorities[decision.running] = index + 1
            changed = true
        }
        if changed, let spurious = decision.options.firstIndex(where: \.spurious), random.chance(0.5) {
            return spurious
        }
        var best = 0
        var bestPriority = Int.min
        for (index, option) in decision.options.enumerated() where !option.spurious {
            if priorities[option.thread] > bestPriority {
                best = index
                bestPriority = priorities[option.thread]
            }
        }
        return best
    }

    func endSchedule(decisions: Int) {
        measuredSteps = max(measuredSteps, decisions)
        schedule &+= 1
    }
}
#endif
