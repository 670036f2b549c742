import Synchronization
import Pool

/// CANARY `unwoken-job`: the sequence scheduler publishes a job but wakes nobody.
///
/// Broken step: `SequenceSteps.wakeForJob`. Spinning workers see the new sequence and take
/// the job, but a worker parked in the kernel sleeps on: the word changed, and nobody told
/// the kernel. The job never completes (the caller waits for that worker's slot).
///
/// Why the harness must catch it: the parked-woken property test parks every worker, starts
/// a job and requires each to take it in bounded time; the stress watchdog diagnoses a LOST
/// WAKE-UP (a worker parked on a sequence the job word has moved past).
public enum UnwokenJob: SequenceSteps {
    public static var variantName: String? { Canary.unwokenJob.rawValue }

    public static func wakeForJob(_ words: SequenceWords) {
        // BROKEN: no wake (real: `words.job.wakeAllIfSleeping()`).
    }
}
