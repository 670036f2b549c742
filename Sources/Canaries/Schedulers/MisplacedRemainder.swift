import Pool

/// CANARY `misplaced-remainder`: the sequence scheduler splits a job with the remainder on
/// the last threads instead of the first.
///
/// Broken step: `SequenceSteps.share`. The contract (`Share.of`) gives thread i
/// `target / n` items, plus one if `i < target % n`: the extra items go to the lowest
/// threads. This split gives them to the highest ones. The shares are still contiguous, still
/// cover `0 ..< target` and still differ by at most one, so every job's total is right; only
/// who computes which items is wrong.
///
/// Why the harness must catch it: an oracle that asks the pool's own `Share.of` what a
/// thread's share is cannot see it (both sides agree on the total). The stress work checks
/// every share against `StressOracle.share`, the contract's split computed independently, so
/// the first parallel job whose target is not a multiple of the thread count fails.
public enum MisplacedRemainder: SequenceSteps {
    public static var variantName: String? { Canary.misplacedRemainder.rawValue }

    public static func share(thread: Int, threadCount: Int, target: UInt64) -> Share {
        let threads = UInt64(threadCount)
        let index = UInt64(thread)
        let base = target / threads
        let extra = target % threads
        // BROKEN: the last `extra` threads get one more (real: the first `extra`).
        let firstWithExtra = threads - extra
        let count = base + (index >= firstWithExtra ? 1 : 0)
        let offset = index * base + (index > firstWithExtra ? index - firstWithExtra : 0)
        return Share(thread: thread, threadCount: threadCount, offset: offset, count: count)
    }
}
