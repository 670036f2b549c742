#if Exploration
import PoolSupport

/// `--strategy random`: a uniform choice among the options at every decision (spurious
/// wake-ups included, within the run's budget), from a generator seeded per schedule.
final class RandomStrategy: ScheduleStrategy {
    let name = "random"
    private let seed: UInt64
    private var schedule: UInt64
    private var random: SplitMix64

    /// Schedule k draws from stream k of `seed`.
    init(seed: UInt64, firstSchedule: UInt64 = 0) {
        self.seed = seed
        schedule = firstSchedule
        random = SplitMix64(seed: seed, stream: firstSchedule)
    }

    func beginSchedule(threads: Int) -> Bool {
        random = SplitMix64(seed: seed, stream: schedule)
        return true
    }

    func choose(_ decision: ScheduleDecision) -> Int {
        Int(random.below(UInt64(decision.options.count)))
    }

    func endSchedule(decisions: Int) { schedule &+= 1 }
}
#endif
