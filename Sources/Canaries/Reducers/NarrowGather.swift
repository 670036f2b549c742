import Pool

/// CANARY `narrow-gather`: the slot reducer's gather checks for overflow one bit too early.
///
/// Broken step: `SlotSteps.add`, which calls a sum overflowing once it reaches 2^63 (a
/// signed limit where the sum is unsigned). Every job whose total stays below 2^63 is right;
/// a job whose total lies in 2^63 ..< 2^64 fails with `ReductionOverflow` although nothing
/// overflowed.
///
/// Why the harness must catch it: the stress driver's boundary jobs (one in four,
/// `EpisodeRunner.jobWeight`), whose totals end within one item of `UInt64.max`, so the
/// driver sees a job fail that no fault was planned for; exploration runs the same jobs.
public enum NarrowGather: SlotSteps {
    public static var variantName: String? { Canary.narrowGather.rawValue }

    public static func add(_ contribution: UInt64, to sum: UInt64, thread: Int) throws(ProtocolInterruption) -> UInt64 {
        let total = try ReductionOverflow.checkedSum(sum, contribution)
        // BROKEN: a limit of 2^63 (real: only a sum past UInt64.max overflows).
        if total >= 1 << 63 { throw .overflow(ReductionOverflow(partialSum: sum, contribution: contribution)) }
        return total
    }
}
