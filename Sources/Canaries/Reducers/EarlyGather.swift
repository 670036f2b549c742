import Pool

/// CANARY `early-gather`: the slot reducer's caller sums the slots without waiting for them.
///
/// Broken step: `SlotSteps.awaitSlot`, which answers "the slot holds the job" at once. The
/// caller then reads each worker's contribution before that worker has published it: the
/// previous job's value, or one being written. It is the slot design's version of "read the
/// slots before the last decrement".
///
/// Why the harness must catch it: the oracle and the witness check see a wrong total as soon
/// as a worker is slower than the caller (most jobs); the reducer harness's exactly-once and
/// sum checks see it in the first rounds; ThreadSanitizer also reports the unordered read of
/// the contribution.
public enum EarlyGather: SlotSteps {
    public static var variantName: String? { Canary.earlyGather.rawValue }

    public static func awaitSlot(_ words: SlotWords, thread: Int, job: UInt64, isStopped: () -> Bool) -> Bool {
        // BROKEN: no wait (real: spin until the slot's sequence is `job`, then acquire it).
        true
    }
}
