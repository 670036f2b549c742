import Synchronization
import Pool

/// CANARY `wide-wrap`: the sequence scheduler's job sequence wraps one bit too late, at 2^32
/// instead of 2^31.
///
/// Broken step: `SequenceSteps.advanceSequence`. The next sequence is `current + 1` in 32
/// bits instead of within `SequenceWords.sequenceMask`: after sequence 2^31 − 1 the job word
/// becomes 2^31, the stop bit with sequence 0. The workers read stop and exit; the caller,
/// whose publish succeeded, waits for their slots, and nobody raised stop where `isStopped`
/// looks: the job never ends. Correct for the first 2^31 − 1 jobs of every pool.
///
/// Why the harness must catch it: a run makes millions of jobs, never 2^31 in one pool. The
/// stress driver and the explorer start some sequence pools just below the wrap
/// (`PoolConfiguration.startingSequence`), so the wrap comes within a few jobs; the
/// watchdog (stress) and the deadlock check (exploration) see the job that never ends.
public enum WideWrap: SequenceSteps {
    public static var variantName: String? { Canary.wideWrap.rawValue }

    public static func advanceSequence(_ words: SequenceWords, from current: UInt32) -> (exchanged: Bool, original: UInt32) {
        // seq_cst success, acquiring failure: as the real step.
        // BROKEN: `current &+ 1`, not `SequenceWords.sequence(after: current)`.
        words.job.word.compareExchange(
            expected: current, desired: current &+ 1,
            successOrdering: .sequentiallyConsistent, failureOrdering: .acquiring)
    }
}
