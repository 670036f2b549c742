import Synchronization
import Pool

/// CANARY `late-unlock`: the book's published fast path (docs/ORIGIN.md, "The latent reducer bug"):
/// the last thread skips the lock, but its lock guard still releases the lock on the way out.
///
/// Broken step: `SpinLockSteps.releaseAfterFastPath`, which releases the lock this thread
/// never took. Picture the thread that decremented the count to 1 still holding the lock
/// (descheduled before its own unlock): the fast-path thread's release frees it, the next
/// job's threads take it, and the late owner's own release then frees the lock of a thread
/// in the next job. Two threads merge at once: lost updates, a wrong sum, or a count that
/// never reaches 0.
///
/// Why the harness must catch it: the damage needs a rare interleaving, but the cause is
/// visible at once to the probe's ownership check: "whoever releases the lock is its owner"
/// (the reducer passes `lockReleasing` while it still holds the lock).
public enum LateUnlock: SpinLockSteps {
    public static var variantName: String? { Canary.lateUnlock.rawValue }

    public static func releaseAfterFastPath<Probe: PoolProbe>(
        _ words: SpinLockWords, thread: Int, probe: Probe
    ) throws(ProtocolInterruption) {
        // BROKEN: the book's guard releases the lock although this thread never took it
        // (real: nothing).
        try probe.pass(.lockReleasing, thread: thread)
        releaseLock(words)
    }
}
