import Synchronization
/// The book's spin-lock reducer with its real steps: the reference design the shipped
/// `SlotReducer` is measured and checked against, chosen by name. Its lock, count and sum
/// lines travel between threads on every job, so it costs about twice the slot reducer.
public typealias SpinLockReducer = SpinLockReducerWith<CorrectSpinLockSteps>

/// The book's reducer: a 64-bit sum and a 32-bit remaining-thread count, guarded by a spin
/// lock because 96 bits do not fit one cheap atomic (`SpinLockWords`).
///
/// - Lock: `exchange(true, acquiring)`; on failure spin on relaxed loads until it looks
///   free, then retry. Unlock: one releasing store of `false`, only by the thread that took
///   it (the latent bug of the book, docs/ORIGIN.md, is a fast-path thread that unlocks a
///   lock it never took).
/// - Under the lock: add to the sum (checked for overflow), then decrement the count with a
///   releasing store, so that a thread acquiring the count sees the sum it covers.
/// - Fast path: a thread that reads `remaining == 1` (acquire) is the last one; the others
///   have all written their share of the sum and decremented, so it merges without the lock
///   and publishes the total with a releasing store of 0. No RMW at all.
///
/// Generic over its steps (`SpinLockSteps`) so that a canary is this reducer with one step
/// replaced; `SpinLockReducer` takes the real ones.
public final class SpinLockReducerWith<Steps: SpinLockSteps>: InspectableReducer {
    public static var name: String { Steps.variantName ?? "spinlock" }
    public static var countsContributions: Bool { true }

    public let words: SpinLockWords

    public init(threadCount: Int, spinPolicy: SpinPolicy) {
        words = SpinLockWords(spinPolicy: spinPolicy)
    }

    deinit { words.deallocate() }

    @inlinable
    public func reset(threadCount: Int) {
        words.sum.value = 0
        // relaxed: published to the workers by the scheduler's releasing start.
        words.remaining.store(UInt32(threadCount), ordering: .relaxed)
    }

    @inlinable
    public func threadDone<Probe: PoolProbe>(
        contribution: UInt64, thread: Int, probe: Probe
    ) throws(ProtocolInterruption) -> UInt64? {
        if Steps.isLast(words) {
            return try finishWithoutLock(contribution: contribution, thread: thread, probe: probe)
        }
        return try mergeUnderLock(contribution: contribution, thread: thread, probe: probe)
    }

    /// The locked path: take the lock, add and decrement, release it; on a failure release it
    /// only if this thread still holds it. Returns the total to the thread that was last.
    @inlinable
    func mergeUnderLock<Probe: PoolProbe>(
        contribution: UInt64, thread: Int, probe: Probe
    ) throws(ProtocolInterruption) -> UInt64? {
        Steps.acquireLock(words)
        var holdsLock = true
        do throws(ProtocolInterruption) {
            try probe.pass(.lockTaken, thread: thread)
            // relaxed: we hold the lock; the last writer was a previous holder (ordered by the
            // lock) or the caller's reset (ordered by the scheduler's start).
            let count = words.remaining.load(ordering: .relaxed)
            precondition(count > 0, "SpinLockReducer: thread \(thread) merged into a job with no remaining threads (the count would underflow)")
            let newSum = try Steps.add(contribution, to: words.sum.value, thread: thread)
            words.sum.value = newSum
            let published = Steps.publishCount(words, count - 1, thread: thread)
            PoolTrace.log(thread, "reducer: merged \(contribution), \(published) remaining")
            try probe.pass(.countDecremented, thread: thread, value: UInt64(published))
            try probe.pass(.lockReleasing, thread: thread)
            Steps.releaseLock(words)
            holdsLock = false
            if Steps.isLastDecrement(countBefore: count) {
                try probe.pass(.totalReceived, thread: thread, value: newSum)
                return newSum
            }
            return nil
        } catch {
            // Only unlock what we locked: after releaseLock the lock may be someone else's.
            if holdsLock { Steps.releaseLock(words) }
            throw error
        }
    }

    /// The last contribution: no other thread touches the sum or the count until the caller's
    /// next reset, so plain load+store is enough.
    @inlinable
    func finishWithoutLock<Probe: PoolProbe>(
        contribution: UInt64, thread: Int, probe: Probe
    ) throws(ProtocolInterruption) -> UInt64 {
        let total = try Steps.add(contribution, to: words.sum.value, thread: thread)
        words.sum.value = total
        let published = Steps.publishCount(words, 0, thread: thread)
        PoolTrace.log(thread, "reducer: merged \(contribution) last (fast path), total \(total)")
        try probe.pass(.countDecremented, thread: thread, value: UInt64(published))
        try probe.pass(.totalReceived, thread: thread, value: total)
        try Steps.releaseAfterFastPath(words, thread: thread, probe: probe)
        return total
    }

    @inlinable
    public func waitForTotal<Probe: PoolProbe>(
        thread: Int, probe: Probe, isStopped: () -> Bool
    ) throws(ProtocolInterruption) -> UInt64 {
        let words = self.words
        _ = UnboundedSpinWait.wait(
            policy: words.spinPolicy,
            until: { Steps.isComplete(words) },
            orFull: { Steps.isComplete(words) || isStopped() })
        // A failure after the last contribution (see ProbePoint.isAfterContribution) can
        // raise stop after the total is complete: the job still succeeds, the next one stops.
        if Steps.isComplete(words) { return words.sum.value }
        throw .stopped
    }

    public var isComplete: Bool { Steps.isComplete(words) }

    public var result: UInt64 { words.sum.value }

    @usableFromInline package var diagnostics: ReducerDiagnostics {
        // relaxed, and past exploration's scheduling points: a snapshot, not the protocol.
        ReducerDiagnostics(remainingThreads: words.remaining.pointer.pointee.load(ordering: .relaxed),
                           locked: words.lock.pointer.pointee.load(ordering: .relaxed))
    }
}
