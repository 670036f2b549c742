import Synchronization
import Pool

/// CANARY `relaxed-publication` (ThreadSanitizer only): the reducer publishes its count
/// relaxed.
///
/// Broken step: `SpinLockSteps.publishCount`. The count is the only thing that publishes the
/// sum to a thread that does not take the lock: the fast-path thread, which reads
/// `remaining == 1`, and the caller, which reads `remaining == 0`. Stored relaxed, the
/// count orders nothing, so those threads read the sum (and the witness data the threads
/// wrote before merging) unordered.
///
/// On x86-64 every plain store already has release semantics in hardware, so results stay
/// right: no oracle or invariant check can see this bug. Only ThreadSanitizer, which follows
/// the language's memory model, reports the unordered accesses as a data race.
/// `scripts/tsan.sh` checks that it does. Exploration cannot see it: it explores
/// sequentially consistent interleavings.
public enum RelaxedPublication: SpinLockSteps {
    public static var variantName: String? { Canary.relaxedPublication.rawValue }

    public static func publishCount(_ words: SpinLockWords, _ newCount: UInt32, thread: Int) -> UInt32 {
        // BROKEN (relaxed, needs release): should publish the sum to whoever acquires the count.
        words.remaining.store(newCount, ordering: .relaxed)
        return newCount
    }
}
