import Synchronization
import Pool

/// CANARY `unlocked-merge`: the reducer's merge runs without the lock.
///
/// Broken step: `SpinLockSteps.acquireLock`, which returns without taking the lock. The lock
/// is what makes "read sum, add, write sum; read count, write count - 1" one step. Without
/// it, two threads that merge at once both read the same sum and the same count: one
/// contribution is lost (a wrong total) and one decrement is lost (the count never reaches
/// 0, so the job never completes). Every field is still accessed atomically or under the
/// count's release/acquire, so TSan can miss it: it is a broken invariant, not a data race
/// (docs/PLATFORM.md, "What ThreadSanitizer cannot see").
///
/// Why the harness must catch it: the probe's owner check sees two holders of the lock at
/// once; the oracle, the witness check or the watchdog (LOST UPDATE) see the damage.
public enum UnlockedMerge: SpinLockSteps {
    public static var variantName: String? { Canary.unlockedMerge.rawValue }

    public static func acquireLock(_ words: SpinLockWords) {
        // BROKEN: no lock taken (real: exchange(true, acquiring) until it returns false).
    }
}
