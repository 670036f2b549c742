#if Exploration
import PoolSupport

/// `--strategy random`: a uniform choice among the options at every decision (spurious
/// wake-ups included, within the run's budget), from a generator seeded per schedule; at a
/// load under a weak memory model, the latest store half of the time, else any allowed one
/// (uniformly), so that spin loops still see new values soon.
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
        if decision.isRead && random.chance(0.5) { return 0 }
        return Int(random.below(UInt64(decision.options.count)))
    }

    func endSchedule(decisions: Int) { schedule &+= 1 }
}
#endif
