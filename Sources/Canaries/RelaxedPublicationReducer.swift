import Pool

/// CANARY (ThreadSanitizer only): `SpinLockReducer` with every access to the remaining-thread
/// count relaxed. Everything else, the lock and the assembly of `threadDone` included, is the real reducer's
/// (`SpinLockCanaryBase`).
///
/// What is broken: the count is the only thing that publishes the sum to a thread that does
/// not take the lock. With it relaxed,
/// - the lock path's count store no longer releases the sum it covers (real: `.releasing`);
/// - the fast path's `remaining == 1` load no longer acquires it (real: `.acquiring`), so the
///   last thread reads the sum that earlier threads wrote under a lock it never took;
/// - the last thread's store of 0 no longer releases the total (real: `.releasing`), and
///   `isComplete` no longer acquires it (real: `.acquiring`), so the caller reads `result`,
///   and the witness data the threads wrote before merging, unordered.
///
/// On x86-64 every plain load and store already has acquire/release semantics in hardware,
/// and the compiler rarely exploits these relaxed orderings, so results stay right: no
/// oracle or invariant check can see this bug. Only ThreadSanitizer, which follows the
/// language's memory model rather than the hardware's, reports the unordered accesses as a
/// data race. `scripts/tsan.sh` checks that it does (`stress --variant relaxed-publication`).
public final class RelaxedPublicationReducer: SpinLockCanaryBase, @unchecked Sendable {
    override public class var name: String { "relaxed-publication" }

    override func isLast() -> Bool {
        // BROKEN (relaxed, needs acquire): should pair with the releasing count store of every
        // earlier merge, so that the sum they wrote is visible to the fast path.
        remaining.pointer.pointee.load(ordering: .relaxed) == 1
    }

    override func finishLast<Probe: PoolProbe>(contribution: UInt64, thread: Int, probe: Probe) throws(ProtocolInterruption) -> UInt64 {
        let (total, overflow) = sum.value.addingReportingOverflow(contribution)
        if overflow { throw .overflow(ReductionOverflow(partialSum: sum.value, contribution: contribution)) }
        sum.value = total
        // BROKEN (relaxed, needs release): should publish the total to the caller's isComplete.
        remaining.pointer.pointee.store(0, ordering: .relaxed)
        try probe.pass(.countDecremented, thread: thread, value: 0)
        try probe.pass(.totalReceived, thread: thread, value: total)
        return total
    }

    override func addAndDecrement<Probe: PoolProbe>(contribution: UInt64, thread: Int, probe: Probe) throws(ProtocolInterruption) -> (count: UInt32, sum: UInt64) {
        // relaxed: runs under the lock (correct, as in the real reducer).
        let count = remaining.pointer.pointee.load(ordering: .relaxed)
        precondition(count > 0, "relaxed-publication: thread \(thread) merged into a job with no remaining threads")
        let (newSum, overflow) = sum.value.addingReportingOverflow(contribution)
        if overflow { throw .overflow(ReductionOverflow(partialSum: sum.value, contribution: contribution)) }
        sum.value = newSum
        // BROKEN (relaxed, needs release): should publish the sum to whoever acquires the
        // count (the fast-path thread, or the caller's isComplete).
        remaining.pointer.pointee.store(count - 1, ordering: .relaxed)
        try probe.pass(.countDecremented, thread: thread, value: UInt64(count - 1))
        return (count, newSum)
    }

    override public var isComplete: Bool {
        // BROKEN (relaxed, needs acquire): should pair with the releasing count store of the
        // last merge, so that `result` and the threads' writes are visible to the caller.
        remaining.pointer.pointee.load(ordering: .relaxed) == 0
    }
}
