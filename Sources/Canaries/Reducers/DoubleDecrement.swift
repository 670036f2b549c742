import Pool

/// CANARY `double-decrement`: the last decrement of each job decrements twice.
///
/// Broken step: `SpinLockSteps.publishCount`, which stores one less than asked when it
/// publishes a job's last decrement. The count wraps below zero instead of stopping at 0:
/// the job never completes, and the published count is out of range. (Only the last
/// decrement is doubled: an earlier one would make a later merge find no remaining thread,
/// which the real reducer's own precondition traps before any detector of the harness could
/// look.)
///
/// Why the harness must catch it: the count-underflow check (a published count of
/// `threadCount` or more), and the stress watchdog for the job that never completes.
public enum DoubleDecrement: SpinLockSteps {
    public static var variantName: String? { Canary.doubleDecrement.rawValue }

    public static func publishCount(_ words: SpinLockWords, _ newCount: UInt32, thread: Int) -> UInt32 {
        // BROKEN: the last decrement goes one past zero (real: stores `newCount`).
        CorrectSpinLockSteps.publishCount(words, newCount == 0 ? newCount &- 1 : newCount, thread: thread)
    }
}
