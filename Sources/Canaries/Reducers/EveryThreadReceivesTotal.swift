import Pool

/// CANARY `every-thread-receives-total`: every thread that merges under the lock is told it
/// finished last.
///
/// Broken step: `SpinLockSteps.isLastDecrement`, which answers yes whatever the count was.
/// Each locked merge then returns its partial sum as "the total" and passes
/// `totalReceived`: several receivers per job, most with a wrong total.
///
/// Why the harness must catch it: the "exactly one thread receives the total" check, and the
/// receiver's witness check (a partial sum does not match the witnesses).
public enum EveryThreadReceivesTotal: SpinLockSteps {
    public static var variantName: String? { Canary.everyThreadReceivesTotal.rawValue }

    public static func isLastDecrement(countBefore: UInt32) -> Bool {
        // BROKEN: every merge "completes" the job (real: `countBefore == 1`).
        true
    }
}
