import Pool

/// CANARY `relaxed-slot` (ThreadSanitizer only): a thread publishes its slot relaxed.
///
/// Broken step: `SlotSteps.releaseSlot`. The slot's sequence is the only thing that publishes
/// the contribution (and the witness data the thread wrote before merging) to the caller,
/// which reads them after its acquiring load of the sequence. Stored relaxed, the sequence
/// orders nothing, so the caller's reads of the plain contribution and of the witnesses race
/// with the thread's writes.
///
/// On x86-64 every plain store already has release semantics in hardware, so totals stay
/// right: no oracle or invariant check can see it. Only ThreadSanitizer reports it;
/// `scripts/tsan.sh` checks that it does.
public enum RelaxedSlot: SlotSteps {
    public static var variantName: String? { Canary.relaxedSlot.rawValue }

    public static func releaseSlot(_ slot: ReducerSlot, job: UInt64) {
        // BROKEN (relaxed, needs release): should publish the contribution to the caller.
        slot.sequence.store(job, ordering: .relaxed)
    }
}
