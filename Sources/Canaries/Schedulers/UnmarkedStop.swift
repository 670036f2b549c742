import Synchronization
import Pool

/// CANARY `unmarked-stop`: the sequence scheduler's stop sets the job word's bit but not the
/// `stopped` copy that `isStopped` polls.
///
/// Broken step: `SequenceSteps.raiseStop`. The copy exists so that the caller never reads the
/// job line before writing it (docs/PROTOCOL.md, "Cache lines per job"); it is what the
/// caller's gather polls while it waits for a slot. Without it, workers still see stop (they
/// watch the job word) and the next `start` still fails on the bit, but a caller waiting for
/// the slot of a worker that failed before its contribution never learns that the pool
/// stopped: the job hangs instead of failing.
///
/// Why the harness must catch it: no data race and no wrong result, just a job that never
/// ends once a worker fails early; the stress watchdog sees the stall, and exploration finds
/// the schedule in which the caller spins on a slot that nobody will write.
public enum UnmarkedStop: SequenceSteps {
    public static var variantName: String? { Canary.unmarkedStop.rawValue }

    public static func raiseStop(_ words: SequenceWords) {
        // BROKEN: no `words.stopped.store(true, ordering: .relaxed)` before the RMW.
        // seq_cst, as the real step's RMW.
        _ = words.job.word.bitwiseOr(SequenceWords.stopBit, ordering: .sequentiallyConsistent)
        Self.wakeAfterStop(words)
    }
}
