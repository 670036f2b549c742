import Pool
import Synchronization

/// CANARY (ThreadSanitizer only): `SpinLockReducer` with every access to the remaining-thread
/// count made relaxed. Everything else, the lock included, is the real reducer's code.
///
/// What is broken: the count is the only thing that publishes the sum to a thread that does
/// not take the lock. With it relaxed,
/// - the lock path's count store no longer releases the sum it covers (real: `.releasing`);
/// - the fast path's `remaining == 1` load no longer acquires it (real: `.acquiring`), so the
///   last thread reads the sum that earlier threads wrote under a lock it never took;
/// - the last thread's store of 0 no longer releases the total (real: `.releasing`), and
///   `isComplete` no longer acquires it (real: `.acquiring`), so the caller reads `result`
///   (and whatever witness data the threads wrote before merging) unordered.
///
/// On x86-64 every plain load and store already has acquire/release semantics in hardware,
/// and the compiler rarely exploits the relaxed orderings here, so results stay right: no
/// oracle or invariant check can see this bug. Only ThreadSanitizer, which follows the C++
/// memory model rather than the hardware, reports the unordered accesses to the sum as a data
/// race. `scripts/tsan.sh` checks that it does (`stress --variant relaxed-publication`).
public final class RelaxedPublicationReducer: ResultReducer {
    public static var name: String { "relaxed-publication" }

    let lock: PaddedAtomic<Bool>
    let remaining: PaddedAtomic<UInt32>
    let sum: PaddedCell<UInt64>
    let spinPolicy: SpinPolicy

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

    public func reset(threadCount: Int) {
        sum.value = 0
        // relaxed: published to the workers by the scheduler's releasing start (as in the real reducer).
        remaining.pointer.pointee.store(UInt32(threadCount), ordering: .relaxed)
    }

    public func threadDone<Probe: PoolProbe>(
        contribution: UInt64, thread: Int, probe: Probe
    ) throws(ProtocolInterruption) -> UInt64? {
        // BROKEN (relaxed, needs acquire): should pair with the releasing count store of every
        // earlier merge, so that the sum they wrote is visible to the fast path.
        if remaining.pointer.pointee.load(ordering: .relaxed) == 1 {
            return try finishLastWithoutLock(contribution: contribution, thread: thread, probe: probe)
        }
        acquireLock()
        var holdsLock = true
        do throws(ProtocolInterruption) {
            try probe.pass(.lockTaken, thread: thread)
            // relaxed: we hold the lock (correct, as in the real reducer).
            let count = remaining.pointer.pointee.load(ordering: .relaxed)
            precondition(count > 0, "RelaxedPublicationReducer: thread \(thread) merged into a job with no remaining threads (the count would underflow)")
            let (newSum, overflow) = sum.value.addingReportingOverflow(contribution)
            if overflow {
                throw .overflow(ReductionOverflow(partialSum: sum.value, contribution: contribution))
            }
            sum.value = newSum
            // BROKEN (relaxed, needs release): should publish the sum to whoever acquires the
            // count (the fast-path thread, or the caller's isComplete).
            remaining.pointer.pointee.store(count - 1, ordering: .relaxed)
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
            // Only unlock what we locked (correct, as in the real reducer).
            if holdsLock { releaseLock() }
            throw error
        }
    }

    func finishLastWithoutLock<Probe: PoolProbe>(
        contribution: UInt64, thread: Int, probe: Probe
    ) throws(ProtocolInterruption) -> UInt64 {
        let (total, overflow) = sum.value.addingReportingOverflow(contribution)
        if overflow {
            throw .overflow(ReductionOverflow(partialSum: sum.value, contribution: contribution))
        }
        sum.value = total
        // BROKEN (relaxed, needs release): should publish the total to the caller's isComplete.
        remaining.pointer.pointee.store(0, ordering: .relaxed)
        try probe.pass(.countDecremented, thread: thread, value: 0)
        try probe.pass(.totalReceived, thread: thread, value: total)
        return total
    }

    func acquireLock() {
        // acquire: pairs with the previous holder's releasing store in releaseLock (correct).
        while lock.pointer.pointee.exchange(true, ordering: .acquiring) {
            // relaxed: just waits for the lock to look free before the next exchange.
            _ = UnboundedSpinWait.wait(
                policy: spinPolicy,
                until: { !lock.pointer.pointee.load(ordering: .relaxed) },
                orFull: { !lock.pointer.pointee.load(ordering: .relaxed) })
        }
    }

    func releaseLock() {
        // release: pairs with the next holder's acquiring exchange (correct).
        lock.pointer.pointee.store(false, ordering: .releasing)
    }

    public var isComplete: Bool {
        // BROKEN (relaxed, needs acquire): should pair with the releasing count store of the
        // last merge, so that `result` and the threads' writes are visible to the caller.
        remaining.pointer.pointee.load(ordering: .relaxed) == 0
    }

    public var result: UInt64 { sum.value }

    public var diagnostics: ReducerDiagnostics {
        ReducerDiagnostics(remainingThreads: remaining.pointer.pointee.load(ordering: .relaxed),
                           locked: lock.pointer.pointee.load(ordering: .relaxed))
    }
}
