import Synchronization

/// The seed's reducer: a 64-bit sum and a 32-bit remaining-thread count, guarded by a spin
/// lock because 96 bits do not fit one cheap atomic.
///
/// - Lock: `exchange(true, acquiring)`; on failure spin on relaxed loads until it looks
///   free, then retry. Unlock: one releasing store of `false`, only by the thread that took
///   it (the latent bug of NOTES §4 is a fast-path thread that unlocks a lock it never took).
/// - Under the lock: add to the sum (checked for overflow), then decrement the count with a
///   releasing store, so that a thread acquiring the count sees the sum it covers.
/// - Fast path: a thread that reads `remaining == 1` (acquire) is the last one; the others
///   have all written their share of the sum and decremented, so it merges without the lock
///   and publishes the total with a releasing store of 0. No RMW at all.
///
/// The sum is plain memory, not an atomic, on purpose: every access to it is ordered by the
/// lock or by the count's release/acquire, and ThreadSanitizer checks that.
public final class SpinLockReducer: ResultReducer {
    public static var name: String { "spinlock" }

    @usableFromInline let lock: PaddedAtomic<Bool>
    @usableFromInline let remaining: PaddedAtomic<UInt32>
    @usableFromInline let sum: PaddedCell<UInt64>
    @usableFromInline let spinPolicy: SpinPolicy

    public init(threadCount: Int, spinPolicy: SpinPolicy) {
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

    @inlinable
    public func reset(threadCount: Int) {
        sum.value = 0
        // relaxed: published to the workers by the scheduler's releasing start.
        remaining.pointer.pointee.store(UInt32(threadCount), ordering: .relaxed)
    }

    @inlinable
    public func threadDone<Probe: PoolProbe>(
        contribution: UInt64, thread: Int, probe: Probe
    ) throws(ProtocolInterruption) -> UInt64? {
        // acquire: pairs with the releasing count store of every earlier merge, so the sum
        // they wrote is visible if we are last.
        if remaining.pointer.pointee.load(ordering: .acquiring) == 1 {
            return try finishLastWithoutLock(contribution: contribution, thread: thread, probe: probe)
        }
        acquireLock()
        var holdsLock = true
        do throws(ProtocolInterruption) {
            try probe.pass(.lockTaken, thread: thread)
            // relaxed: we hold the lock; the last writer was a previous holder (ordered by the
            // lock) or the caller's reset (ordered by the scheduler's start).
            let count = remaining.pointer.pointee.load(ordering: .relaxed)
            precondition(count > 0, "SpinLockReducer: thread \(thread) merged into a job with no remaining threads (the count would underflow)")
            let (newSum, overflow) = sum.value.addingReportingOverflow(contribution)
            if overflow {
                throw .overflow(ReductionOverflow(partialSum: sum.value, contribution: contribution))
            }
            sum.value = newSum
            // release: publishes the sum to whoever acquires the count (the fast-path thread,
            // or the caller's isComplete).
            remaining.pointer.pointee.store(count - 1, ordering: .releasing)
            PoolTrace.log(thread, "reducer: merged \(contribution), \(count - 1) remaining")
            try probe.pass(.countDecremented, thread: thread, value: UInt64(count - 1))
            try probe.pass(.lockReleasing, thread: thread)
            releaseLock()
            holdsLock = false
            if count == 1 {
                try probe.pass(.totalReceived, thread: thread, value: newSum)
                return newSum
            }
            return nil
        } catch {
            // Only unlock what we locked: after releaseLock the lock may be someone else's.
            if holdsLock { releaseLock() }
            throw error
        }
    }

    /// The last contribution: no other thread touches the sum or the count until the caller's
    /// next reset, so plain load+store is enough.
    @inlinable
    func finishLastWithoutLock<Probe: PoolProbe>(
        contribution: UInt64, thread: Int, probe: Probe
    ) throws(ProtocolInterruption) -> UInt64 {
        let (total, overflow) = sum.value.addingReportingOverflow(contribution)
        if overflow {
            throw .overflow(ReductionOverflow(partialSum: sum.value, contribution: contribution))
        }
        sum.value = total
        // release: publishes the total to the caller's acquiring isComplete.
        remaining.pointer.pointee.store(0, ordering: .releasing)
        PoolTrace.log(thread, "reducer: merged \(contribution) last (fast path), total \(total)")
        try probe.pass(.countDecremented, thread: thread, value: 0)
        try probe.pass(.totalReceived, thread: thread, value: total)
        return total
    }

    @inlinable
    func acquireLock() {
        // acquire: pairs with the previous holder's releasing store in releaseLock.
        while lock.pointer.pointee.exchange(true, ordering: .acquiring) {
            // relaxed: just waits for the lock to look free before the next exchange.
            _ = UnboundedSpinWait.wait(
                policy: spinPolicy,
                until: { !lock.pointer.pointee.load(ordering: .relaxed) },
                orFull: { !lock.pointer.pointee.load(ordering: .relaxed) })
        }
    }

    @inlinable
    func releaseLock() {
        // release: pairs with the next holder's acquiring exchange.
        lock.pointer.pointee.store(false, ordering: .releasing)
    }

    @inlinable
    public var isComplete: Bool {
        // acquire: pairs with the releasing count store of the last merge.
        remaining.pointer.pointee.load(ordering: .acquiring) == 0
    }

    @inlinable
    public var result: UInt64 { sum.value }

    public var diagnostics: ReducerDiagnostics {
        ReducerDiagnostics(remainingThreads: remaining.pointer.pointee.load(ordering: .relaxed),
                           locked: lock.pointer.pointee.load(ordering: .relaxed))
    }
}
