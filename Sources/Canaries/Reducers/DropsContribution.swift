import Pool

/// CANARY `drops-contribution`: thread 1's contribution never reaches the sum.
///
/// Broken step: `SpinLockSteps.add`, which returns the sum unchanged for thread 1. Every
/// count and every lock is right; only the total is wrong.
///
/// Why the harness must catch it: the oracle (the total against the sequential sum) and the
/// witness check (the receiver sums every thread's witness) see it at the first job that
/// thread 1 contributes to.
public enum DropsContribution: SpinLockSteps {
    public static var variantName: String? { Canary.dropsContribution.rawValue }

    public static func add(_ contribution: UInt64, to sum: UInt64, thread: Int) throws(ProtocolInterruption) -> UInt64 {
        // BROKEN: thread 1's contribution is dropped (real: the checked sum for every thread).
        if thread == 1 { return sum }
        return try CorrectSpinLockSteps.add(contribution, to: sum, thread: thread)
    }
}
