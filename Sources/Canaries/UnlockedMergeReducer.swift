import Pool

/// CANARY: `SpinLockReducer` whose merge is a plain load+store of the sum and the count,
/// without taking the lock.
///
/// What is broken: the lock is what makes "read sum, add, write sum; read count, write
/// count - 1" one step. Without it, two threads that merge at once both read the same sum
/// and the same count: one contribution is lost (a wrong total) and one decrement is lost
/// (the count never reaches 0, so the job never completes). Every field is still accessed
/// atomically or under the count's release/acquire, so TSan can miss it; it is a broken
/// invariant, not a data race (NOTES §7).
///
/// Why the harness must catch it: the window is a few nanoseconds wide, so it needs threads
/// that reach the merge together, many times; the oracle (wrong total), the witness check
/// of the receiver, or the watchdog (a count stuck above 0) then sees it.
public final class UnlockedMergeReducer: SpinLockCanaryBase, @unchecked Sendable {
    override public class var name: String { "unlocked-merge" }

    override public func threadDone<Probe: PoolProbe>(
        contribution: UInt64, thread: Int, probe: Probe
    ) throws(ProtocolInterruption) -> UInt64? {
        if isLast() {
            return try finishLast(contribution: contribution, thread: thread, probe: probe)
        }
        // BROKEN: no acquireLock()/releaseLock() around the read-modify-write of sum and count.
        let (count, newSum) = try addAndDecrement(contribution: contribution, thread: thread, probe: probe)
        if count == 1 {
            try probe.pass(.totalReceived, thread: thread, value: newSum)
            return newSum
        }
        return nil
    }
}
