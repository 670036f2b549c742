import Synchronization
import Pool

/// CANARY `stale-park`: the sequence scheduler parks without the kernel's re-check.
///
/// Broken step: `SequenceSteps.parkForTask`. After its spin gives up, a worker re-reads the
/// job word and parks "while the word equals" that fresh value, instead of the sequence it
/// checked (the one it took last). A job published between the check and the re-read makes
/// the worker sleep on the new sequence: the caller's wake came before the worker was
/// counted as a sleeper (or was skipped), nobody wakes it again, and the job never completes.
/// The same bug as `lost-wakeup`, in the other scheduler.
///
/// Why the harness must catch it: TSan sees no race (every access is atomic); only the stress
/// watchdog sees the hang, and its diagnosis (a worker parked on a sequence the job word has
/// moved past) tells a lost wake-up from a slow job.
public enum StalePark: SequenceSteps {
    public static var variantName: String? { Canary.stalePark.rawValue }

    public static func parkForTask(_ words: SequenceWords, taken: UInt32) {
        // BROKEN: parks on a value read now, not on the `taken` that was checked.
        // relaxed: as good as any ordering here; the bug is the value, not the ordering.
        let current = words.job.word.load(ordering: .relaxed)
        words.job.park(whileEqualTo: current)
    }
}
