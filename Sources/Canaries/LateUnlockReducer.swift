import Pool

/// CANARY: the seed's published fast path (NOTES §4): the last thread skips the lock, but
/// its lock guard still releases the lock on the way out.
///
/// What is broken: a thread that reads `remaining == 1` merges without taking the lock, as
/// in the real reducer, and then releases the lock it never took. Picture the thread that
/// decremented the count to 1 still holding the lock (descheduled before its own unlock):
/// the fast-path thread's release frees it, the next job's threads take it, and the late
/// owner's own release then frees the lock of a thread in the next job. Two threads merge
/// at once: lost updates, a wrong sum, or a count that never reaches 0.
///
/// Why the harness must catch it: the damage needs a rare interleaving, but the cause is
/// visible at once to the probe's ownership check: "whoever releases the lock is its
/// owner" (the pool passes `lockReleasing` while still holding the lock).
public final class LateUnlockReducer: SpinLockCanaryBase, @unchecked Sendable {
    override public class var name: String { "late-unlock" }

    override public func threadDone<Probe: PoolProbe>(
        contribution: UInt64, thread: Int, probe: Probe
    ) throws(ProtocolInterruption) -> UInt64? {
        if isLast() {
            let total = try finishLast(contribution: contribution, thread: thread, probe: probe)
            // BROKEN: the seed's guard releases the lock although this thread never took it.
            try probe.pass(.lockReleasing, thread: thread)
            releaseLock()
            return total
        }
        return try mergeUnderLock(contribution: contribution, thread: thread, probe: probe)
    }
}
