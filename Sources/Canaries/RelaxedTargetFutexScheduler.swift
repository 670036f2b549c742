import Pool

/// CANARY (ThreadSanitizer only): `FutexScheduler` whose job publication is relaxed on both
/// sides. Everything else is the real scheduler's protocol (`FutexCanaryBase`).
///
/// What is broken:
/// - `start`'s compare-exchange 0 -> N-1 is relaxed (real: sequentially consistent, whose
///   release half publishes the target and everything the caller wrote before `start`: the
///   reducer's reset of its sum and count, and the job's witness data);
/// - the claim's fetch-sub is relaxed (real: `.acquiring`, pairing with that release).
/// So a worker reads the target, then touches the reducer's sum and the witness board, with
/// nothing ordering those accesses after the caller's writes. On x86-64 the hardware still
/// orders them (a locked compare-exchange is a full barrier), so results stay right and no
/// oracle can see it; only ThreadSanitizer reports the caller's writes racing with the
/// worker's reads. `scripts/tsan.sh` checks that it does (`stress --variant relaxed-target`).
///
/// One deliberate difference besides the orderings: `start` wakes unconditionally instead of
/// `wakeAllIfSleeping()`. Skipping the wake when nobody sleeps relies on the compare-exchange
/// being sequentially consistent (ParkingWord's Dekker pair); relaxing it would also plant a
/// lost wake-up, and this canary must stay a pure ordering bug that only TSan sees.
public final class RelaxedTargetFutexScheduler: FutexCanaryBase, @unchecked Sendable {
    override public class var name: String { "relaxed-target" }

    override public func start<Probe: PoolProbe>(target newTarget: UInt64, probe: Probe) throws(ProtocolInterruption) {
        // relaxed: meant to be published by the compare-exchange below (as in the real scheduler).
        target.pointer.pointee.store(newTarget, ordering: .relaxed)
        // BROKEN (relaxed, needs release): publishes nothing, so the target store above and
        // the caller's earlier writes are not ordered before the workers' claims.
        let (exchanged, original) = task.word.pointer.pointee.compareExchange(
            expected: 0, desired: workerCount,
            successOrdering: .relaxed, failureOrdering: .relaxed)
        if !exchanged {
            if original >= FutexScheduler.stopThreshold { throw .stopped }
            preconditionFailure("relaxed-target start: \(original) tasks of the previous job are unclaimed")
        }
        // Unconditional wake: see the type's comment (keeps wake-ups correct without seq_cst).
        task.wakeAll()
    }

    override func claim<Probe: PoolProbe>(thread: Int, probe: Probe) throws(ProtocolInterruption) -> UInt64 {
        // BROKEN (relaxed, needs acquire): should pair with start's compare-exchange, so that
        // the target and the caller's writes are visible after the claim.
        let previous = task.word.pointer.pointee.wrappingSubtract(1, ordering: .relaxed).oldValue
        if previous >= FutexScheduler.stopThreshold { throw .stopped }
        precondition(previous != 0, "relaxed-target: thread \(thread) claimed a task when none was pending")
        // relaxed: meant to be ordered by the claim above, which no longer acquires.
        let claimedTarget = target.pointer.pointee.load(ordering: .relaxed)
        try probe.pass(.taskClaimed, thread: thread, value: claimedTarget)
        return claimedTarget
    }
}
