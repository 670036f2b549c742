import Synchronization
import Pool

/// CANARY `relaxed-job` (ThreadSanitizer only): the sequence scheduler publishes a job
/// without release.
///
/// Broken step: `SequenceSteps.advanceSequence`, whose compare-exchange on the job word is
/// relaxed. It is what pairs with a worker's acquiring load in `take`: after it, the worker
/// sees the target and everything the caller wrote before `start` (the job's witness data).
/// Relaxed, nothing orders those writes before the worker's reads. On x86-64 the locked RMW is
/// a full barrier in hardware, so results stay right and no oracle can see it; only
/// ThreadSanitizer reports the caller's writes racing with the worker's reads.
/// `scripts/tsan.sh` checks that it does.
public enum RelaxedJob: SequenceSteps {
    public static var variantName: String? { Canary.relaxedJob.rawValue }

    public static func advanceSequence(_ words: SequenceWords, from current: UInt32) -> (exchanged: Bool, original: UInt32) {
        // BROKEN (relaxed, needs release): should pair with the workers' acquiring load.
        words.job.word.compareExchange(
            expected: current, desired: SequenceWords.sequence(after: current),
            successOrdering: .relaxed, failureOrdering: .relaxed)
    }
}
