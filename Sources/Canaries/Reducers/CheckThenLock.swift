import Pool
import Synchronization

/// CANARY `check-then-lock`: the reducer's lock has an "uncontended fast path" that takes a
/// free lock with a load and a separate store, not with one exchange. Its bug window holds
/// no probe point: only two atomic operations with nothing between them.
///
/// Broken step: `SpinLockSteps.acquireLock`. A thread that finds the lock free on arrival
/// stores `true` as a second operation; only a thread that found it taken goes the correct
/// way (spin, then exchange). Two threads that arrive at a free lock within the same few
/// nanoseconds both load `false` before either stores, both "take" the lock and merge at
/// once: a lost update (a wrong sum, or a count that never reaches 0). Threads that waited
/// for the lock never collide, so contention does not widen the window: random stress hits
/// it only with many hot, simultaneous arrivals, and exploration hits it every time with one
/// preemption between the load and the store.
///
/// Why the harness must catch it: the probe's owner check sees a second holder at
/// `lockTaken`; the oracle and the watchdog (LOST UPDATE) see the damage.
public enum CheckThenLock: SpinLockSteps {
    public static var variantName: String? { Canary.checkThenLock.rawValue }

    public static func acquireLock(_ words: SpinLockWords) {
        let lock = words.lock
        // BROKEN: check, then set, as two operations (real: one acquiring exchange).
        // acquire: pairs with the previous holder's releasing store, as the exchange would.
        if !lock.load(ordering: .acquiring) {
            lock.store(true, ordering: .relaxed)
            return
        }
        CorrectSpinLockSteps.acquireLock(words)
    }
}
