import Pool
import Synchronization

/// The real `SpinLockReducer`'s state and its correct steps, as a class for the reducer
/// canaries to derive from.
///
/// The correct steps live here once (same orderings and comments as `SpinLockReducer`,
/// whose internals are not visible outside the Pool module), and `threadDone` assembles them
/// as the real reducer does. Each reducer canary is a subclass that overrides exactly the
/// steps it breaks, so that its file shows its bug plainly. Not itself a canary (no
/// `Canary` case selects it). Not `open`: only this module's canaries derive from it.
// @unchecked: a non-final class cannot be checked Sendable; it and its subclasses hold only `let`s
// of Sendable types (atomics and a cell in allocated memory, ordered by the protocol).
public class SpinLockCanaryBase: ResultReducer, @unchecked Sendable {
    public class var name: String { "spinlock-canary" }

    let lock: PaddedAtomic<Bool>
    let remaining: PaddedAtomic<UInt32>
    let sum: PaddedCell<UInt64>
    let spinPolicy: SpinPolicy

    public required init(threadCount: Int, spinPolicy: SpinPolicy) {
        lock = PaddedAtomic(false)
        remaining = PaddedAtomic(0)
        sum = PaddedCell(0)
        self.spinPolicy = spinPolicy
    }

    deinit {
        lock.deallocate()
        remaining.deallocate()
        sum.deallocate()
    }

    /// `SpinLockReducer.threadDone`, assembled from the steps below.
    public func threadDone<Probe: PoolProbe>(
        contribution: UInt64, thread: Int, probe: Probe
    ) throws(ProtocolInterruption) -> UInt64? {
        if isLast() { return try finishLast(contribution: contribution, thread: thread, probe: probe) }
        return try mergeUnderLock(contribution: contribution, thread: thread, probe: probe)
    }

    /// The locked path: take the lock, add and decrement, release it; on a failure release it
    /// only if this thread still holds it. Returns the total to the thread that was last.
    func mergeUnderLock<Probe: PoolProbe>(
        contribution: UInt64, thread: Int, probe: Probe
    ) throws(ProtocolInterruption) -> UInt64? {
        acquireLock()
        var holdsLock = true
        do throws(ProtocolInterruption) {
            try probe.pass(.lockTaken, thread: thread)
            let (count, newSum) = try addAndDecrement(contribution: contribution, thread: thread, probe: probe)
            try probe.pass(.lockReleasing, thread: thread)
            releaseLock()
            holdsLock = false
            if count == 1 {
                try probe.pass(.totalReceived, thread: thread, value: newSum)
                return newSum
            }
            return nil
        } catch {
            // Only unlock what we locked.
            if holdsLock { releaseLock() }
            throw error
        }
    }

    public func reset(threadCount: Int) {
        sum.value = 0
        // relaxed: published to the workers by the scheduler's releasing start.
        remaining.pointer.pointee.store(UInt32(threadCount), ordering: .relaxed)
    }

    /// Whether this thread is the last one (the fast path's test).
    func isLast() -> Bool {
        // acquire: pairs with the releasing count store of every earlier merge.
        remaining.pointer.pointee.load(ordering: .acquiring) == 1
    }

    /// `SpinLockReducer.finishLastWithoutLock`: the last contribution, without the lock.
    func finishLast<Probe: PoolProbe>(contribution: UInt64, thread: Int, probe: Probe) throws(ProtocolInterruption) -> UInt64 {
        let (total, overflow) = sum.value.addingReportingOverflow(contribution)
        if overflow { throw .overflow(ReductionOverflow(partialSum: sum.value, contribution: contribution)) }
        sum.value = total
        // release: publishes the total to the caller's acquiring isComplete.
        remaining.pointer.pointee.store(0, ordering: .releasing)
        try probe.pass(.countDecremented, thread: thread, value: 0)
        try probe.pass(.totalReceived, thread: thread, value: total)
        return total
    }

    /// The body of a merge, to be run under the lock: sum, then count. Returns the count
    /// before the decrement and the new sum.
    func addAndDecrement<Probe: PoolProbe>(contribution: UInt64, thread: Int, probe: Probe) throws(ProtocolInterruption) -> (count: UInt32, sum: UInt64) {
        // relaxed: meant to run under the lock (ordered by it).
        let count = remaining.pointer.pointee.load(ordering: .relaxed)
        precondition(count > 0, "canary reducer: thread \(thread) merged into a job with no remaining threads")
        let (newSum, overflow) = sum.value.addingReportingOverflow(contribution)
        if overflow { throw .overflow(ReductionOverflow(partialSum: sum.value, contribution: contribution)) }
        sum.value = newSum
        // release: publishes the sum to whoever acquires the count.
        remaining.pointer.pointee.store(count - 1, ordering: .releasing)
        try probe.pass(.countDecremented, thread: thread, value: UInt64(count - 1))
        return (count, newSum)
    }

    func acquireLock() {
        // acquire: pairs with the previous holder's releasing store in releaseLock.
        while lock.pointer.pointee.exchange(true, ordering: .acquiring) {
            // relaxed: waits for the lock to look free before the next exchange.
            _ = UnboundedSpinWait.wait(
                policy: spinPolicy,
                until: { !lock.pointer.pointee.load(ordering: .relaxed) },
                orFull: { !lock.pointer.pointee.load(ordering: .relaxed) })
        }
    }

    func releaseLock() {
        // release: pairs with the next holder's acquiring exchange.
        lock.pointer.pointee.store(false, ordering: .releasing)
    }

    public var isComplete: Bool {
        // acquire: pairs with the releasing count store of the last merge.
        remaining.pointer.pointee.load(ordering: .acquiring) == 0
    }

    public var result: UInt64 { sum.value }

    public var diagnostics: ReducerDiagnostics {
        ReducerDiagnostics(remainingThreads: remaining.pointer.pointee.load(ordering: .relaxed),
                           locked: lock.pointer.pointee.load(ordering: .relaxed))
    }
}
